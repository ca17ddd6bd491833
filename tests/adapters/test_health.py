def test_healthz_reports_database_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "up"}


def test_healthz_is_503_when_database_is_unreachable(tmp_path):
    from ansinh import create_app
    from core.settings import Settings

    settings = Settings(database_url="postgresql+psycopg://nobody@127.0.0.1:1/none", secret_key="x")
    response = create_app(settings).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "down"
