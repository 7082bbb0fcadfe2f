"""Read-only lists: regions, agencies, indicators, programme codes."""
from rakor.api import queries, schemas, serialize
from rakor.api.blueprints import reference as blp
from rakor.api.views.common import after_of, page
from rakor.policy import authenticated


@blp.route("/regions")
@blp.arguments(schemas.ReferenceListArgs(), location="query")
@blp.response(200, schemas.RegionPage)
@authenticated
def list_regions(args):
    return page(queries.regions(after_of(args), args["limit"]), args["limit"], serialize.region)


@blp.route("/agencies")
@blp.arguments(schemas.ReferenceListArgs(), location="query")
@blp.response(200, schemas.AgencyPage)
@authenticated
def list_agencies(args):
    return page(queries.agencies(after_of(args), args["limit"]), args["limit"], serialize.agency)


@blp.route("/indicators")
@blp.arguments(schemas.ReferenceListArgs(), location="query")
@blp.response(200, schemas.IndicatorPage)
@authenticated
def list_indicators(args):
    return page(queries.indicators(after_of(args), args["limit"]), args["limit"], serialize.indicator)


@blp.route("/programmes")
@blp.arguments(schemas.ReferenceListArgs(), location="query")
@blp.response(200, schemas.ProgrammePage)
@authenticated
def list_programmes(args):
    """The national programme nomenclature (Kepmendagri 050-5889/2021)."""
    rows = queries.programmes(after_of(args, numeric=False), args["limit"])
    return page(rows, args["limit"], serialize.programme, key=lambda p: p.code)
