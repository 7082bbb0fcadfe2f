"""The generated description is valid OpenAPI 3.1, served with its documentation page whose
assets are local; concurrent first requests get the same description (a Schemathesis find)."""
import threading

from openapi_spec_validator import validate

from rakor.api.views.docs import spec_dict


def test_the_spec_validates_and_describes_every_api_route(app, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/json"
    spec = response.json
    assert spec["openapi"] == "3.1.0"
    validate(spec)
    documented = {f"/api/v1{path}" if not path.startswith("/api/v1") else path for path in spec["paths"]}
    routes = {r.rule.replace("<int:", "{").replace(">", "}") for r in app.url_map.iter_rules()
              if r.rule.startswith("/api/v1/") and r.endpoint.startswith("api_")
              and not r.endpoint.startswith("api_docs")}
    assert routes <= documented, routes - documented
    schema = spec["components"]["schemas"]["CommitmentOut"]["properties"]["target_value"]
    assert schema["type"] == ["string", "null"]  # decimals are strings


def test_the_docs_page_uses_only_local_assets(client):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page
    assert "http://" not in page and "https://" not in page
    bundle = client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js")
    assert bundle.status_code == 200
    bundle.close()


def test_concurrent_first_requests_share_one_generated_description(app):
    app.extensions.pop("rakor.api.spec", None)
    results, errors = [], []

    def fetch():
        try:
            with app.app_context():
                results.append(spec_dict(app))
        except Exception as error:  # noqa: BLE001 - the failure is the finding
            errors.append(error)

    threads = [threading.Thread(target=fetch) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len({id(r) for r in results}) == 1
