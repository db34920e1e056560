"""ticket-service blueprints, one per documented resource."""

from flask_smorest import Api

from ticket_service.api.approvals import blp as approvals_blp
from ticket_service.api.common import hide_tickets_out_of_sight
from ticket_service.api.sub_tickets import blp as sub_tickets_blp
from ticket_service.api.tickets import blp as tickets_blp

BLUEPRINTS = (tickets_blp, sub_tickets_blp, approvals_blp)

for _blueprint in BLUEPRINTS:
    _blueprint.before_request(hide_tickets_out_of_sight)


def register_blueprints(api: Api) -> None:
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
