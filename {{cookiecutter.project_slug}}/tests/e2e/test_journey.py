"""One user's whole story through the public API, as a client would live it."""

from fastapi import status
{{ cookiecutter.__client_import }}

from app.main import app


{{ cookiecutter.__async }}def test_a_client_manages_its_{{ cookiecutter.resource_plural }}_end_to_end(client: {{ cookiecutter.__client }}) -> None:
{%- if cookiecutter.auth == "yes" %}
    credentials = {"email": "journey@example.com", "password": "a-long-password"}
    registered = {{ cookiecutter.__await }}client.post(app.url_path_for("register"), json=credentials)
    assert registered.status_code == status.HTTP_201_CREATED

    form = {"username": credentials["email"], "password": credentials["password"]}
    login = {{ cookiecutter.__await }}client.post(app.url_path_for("login"), data=form)
    assert login.status_code == status.HTTP_200_OK
    client.headers["Authorization"] = f"Bearer {login.json()['access_token']}"

    me = {{ cookiecutter.__await }}client.get(app.url_path_for("read_current_user"))
    assert me.json()["email"] == credentials["email"]
{% endif %}
    collection = app.url_path_for("list_{{ cookiecutter.resource_plural }}")
    created = {{ cookiecutter.__await }}client.post(collection, json={"name": "first", "description": "draft"})
    assert created.status_code == status.HTTP_201_CREATED
    url = app.url_path_for("read_{{ cookiecutter.resource_name }}", {{ cookiecutter.resource_name }}_id=created.json()["id"])

    listed = {{ cookiecutter.__await }}client.get(collection)
    assert [row["name"] for row in listed.json()["items"]] == ["first"]

    updated = {{ cookiecutter.__await }}client.patch(url, json={"description": "final"})
    assert updated.json() == {**created.json(), "description": "final"}

    deleted = {{ cookiecutter.__await }}client.delete(url)
    assert deleted.status_code == status.HTTP_204_NO_CONTENT
    gone = {{ cookiecutter.__await }}client.get(url)
    assert gone.status_code == status.HTTP_404_NOT_FOUND
    listed = {{ cookiecutter.__await }}client.get(collection)
    assert listed.json()["total"] == 0
