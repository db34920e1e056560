"""file-service blueprints, one per documented resource."""

from flask_smorest import Api

from file_service.api.files import blp as files_blp


def register_blueprints(api: Api) -> None:
    api.register_blueprint(files_blp)
