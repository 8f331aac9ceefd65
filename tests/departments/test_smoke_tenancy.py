import pytest


@pytest.mark.django_db
def test_outsider_token_sees_404_and_officer_sees_200(api_as):
    # Given the demo, when the other city's officer lists riverton's departments: 404.
    assert api_as("officer.lakeside").get("/api/v1/riverton/departments/").status_code == 404
    # And riverton's own officer gets the list.
    response = api_as("officer").get("/api/v1/riverton/departments/")
    assert response.status_code == 200
    assert [d["code"] for d in response.json()["results"]] == ["PSD", "TRN"]
