"""The published schema and its documentation page answer, whatever the service is called."""

from fastapi import FastAPI, status
{{ cookiecutter.__client_import }}


{{ cookiecutter.__async }}def test_the_schema_is_published_under_the_service_name(
    app: FastAPI,
    client: {{ cookiecutter.__client }},
) -> None:
    response = {{ cookiecutter.__await }}client.get("/openapi.json")

    assert response.status_code == status.HTTP_200_OK
    assert response.json()["info"]["title"] == app.title


{{ cookiecutter.__async }}def test_the_documentation_page_answers(client: {{ cookiecutter.__client }}) -> None:
    response = {{ cookiecutter.__await }}client.get("/docs")

    assert response.status_code == status.HTTP_200_OK
    assert response.headers["content-type"].startswith("text/html")
