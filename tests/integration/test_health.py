from conftest import make_test_app


def test_health_ok_when_the_database_answers(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "mail": {
        "oldest_unsent_seconds": None, "worker_heartbeat_seconds": None}}


def test_health_503_problem_when_the_database_does_not(tmp_path):
    app = make_test_app(f"sqlite:///{tmp_path / 'missing-dir' / 'db.sqlite'}")
    response = app.test_client().get("/health")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 503 and body["title"] == "Database niet bereikbaar"
    assert "Traceback" not in response.get_data(as_text=True)
