"""auth-service blueprints, one per documented resource."""

from flask_smorest import Api

from auth_service.api.auth import blp as auth_blp
from auth_service.api.departments import blp as departments_blp
from auth_service.api.employees import blp as employees_blp
from auth_service.api.grants import blp as grants_blp


def register_blueprints(api: Api) -> None:
    for blueprint in (auth_blp, employees_blp, departments_blp, grants_blp):
        api.register_blueprint(blueprint)
