"""The API's blueprints (one per group of resources: the groups of the documentation)."""
from flask_smorest import Blueprint


class ApiBlueprint(Blueprint):
    """Every operation is documented with `operationId` = its view function's name, which the
    OpenAPI links of the description (rakor.api.views.common.links) name."""

    def register_views_in_doc(self, api, app, spec, *, name, parameters):
        for endpoint, info in self._docs.items():
            for method, operation in info.items():
                if method != "parameters":
                    operation.setdefault("manual_doc", {}).setdefault("operationId", endpoint)
        return super().register_views_in_doc(api, app, spec, name=name, parameters=parameters)


meetings = ApiBlueprint("api_meetings", __name__, description="Meetings, their agenda and participants")
reference = ApiBlueprint("api_reference", __name__,
                         description="Read-only lists: regions, agencies, indicators, programme codes")
commitments = ApiBlueprint("api_commitments", __name__, description="Commitments and their lifecycle")
progress = ApiBlueprint("api_progress", __name__, description="Quarterly progress updates")
figures = ApiBlueprint("api_figures", __name__, description="Dashboard figures and documents")

ALL = (meetings, reference, commitments, progress, figures)
