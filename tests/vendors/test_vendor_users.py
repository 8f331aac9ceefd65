"""A vendor's account never holds a municipal role, and staff never act for a vendor (DESIGN.md
2): one could approve the cost split their company bids on."""

import pytest

from departments.models import Membership
from p3hub.errors import ValidationFailed
from tests.factories import join_by_invitation
from tests.helpers import database_state
from vendors.models import Vendor, VendorUser
from vendors.services import vendor_user_add

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username", ["officer", "head.trn", "admin", "officer.lakeside"])
def test_staff_of_any_city_cannot_act_for_a_vendor(personas, username):
    acme = Vendor.objects.get(name="Acme Traffic Systems")
    before = database_state()

    with pytest.raises(ValidationFailed) as refused:
        vendor_user_add(vendor=acme, user=personas[username])

    assert refused.value.field == "user"
    assert not VendorUser.objects.filter(user=personas[username]).exists()
    assert database_state() == before


def test_a_vendors_account_cannot_accept_a_role(personas, actor):
    before = database_state()

    with pytest.raises(ValidationFailed) as refused:
        join_by_invitation(actor("admin"), personas["vendor.beacon"], "head", "TRN")

    assert refused.value.code == "not_allowed"
    assert not Membership.objects.filter(user=personas["vendor.beacon"]).exists()
    # The invitation was sent (that is the admin's, and reveals nothing); nothing else changed.
    assert database_state()["departments.Membership"] == before["departments.Membership"]


def test_an_admin_cannot_grant_themselves_a_role_through_their_page(client, personas):
    admin = personas["admin"]
    client.force_login(admin)
    before = database_state()

    page = client.get(f"/riverton/people/{admin.pk}/")
    posted = client.post(f"/riverton/people/{admin.pk}/", {"role": "officer", "department": ""})

    assert "Grant another role" not in page.content.decode()
    assert posted.status_code == 403
    assert "You cannot grant yourself a role: another tenant admin must." in (
        posted.content.decode()
    )
    assert database_state() == before
