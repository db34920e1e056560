"""communication-service blueprints, one per documented resource."""

from flask_smorest import Api

from communication_service.api.messages import blp as messages_blp
from communication_service.api.notifications import blp as notifications_blp
from communication_service.api.participants import blp as participants_blp


def register_blueprints(api: Api) -> None:
    for blueprint in (messages_blp, participants_blp, notifications_blp):
        api.register_blueprint(blueprint)
