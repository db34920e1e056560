"""ticket-service blueprints, one per documented resource."""

from flask_smorest import Api

from ticket_service.api.approvals import blp as approvals_blp
from ticket_service.api.sub_tickets import blp as sub_tickets_blp
from ticket_service.api.tickets import blp as tickets_blp


def register_blueprints(api: Api) -> None:
    for blueprint in (tickets_blp, sub_tickets_blp, approvals_blp):
        api.register_blueprint(blueprint)
