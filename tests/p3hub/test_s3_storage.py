"""Files at scale (issue 11 item 6): with P3HUB_S3_BUCKET set, every uploaded file lives in an
S3-compatible bucket, private and never reachable by a link. Here the store is moto's server
on 127.0.0.1, spoken to over HTTP as a real one would be: a sealed bid attachment is
ciphertext in the bucket and opens for its company only; a certificate and a solicitation's
document go up and come back through their permission-checked views; /healthz reaches it."""

import uuid

import boto3
import pytest
from django.test import Client
from moto.server import ThreadedMotoServer

from p3hub import settings as p3hub_settings
from p3hub.errors import NotFound, PermissionDenied
from p3hub.health import STORAGE_MARKER
from procurements import services
from procurements.services import bids
from tests.factories import PNG_BYTES, in_days, insurance, upload
from vendors import services as vendor_services
from vendors.actor import vendor_actor_for
from vendors.models import Certificate

pytestmark = pytest.mark.django_db

SECRET_FILE = b"%PDF-1.4\n% TECHNICAL PROPOSAL OKAPI-NARWHAL-3\n%%EOF\n"
MARKER = b"OKAPI-NARWHAL"
REGION = "us-east-1"
KEYS = {"P3HUB_S3_ACCESS_KEY_ID": "test-key", "P3HUB_S3_SECRET_ACCESS_KEY": "test-secret"}


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto's S3 over HTTP on a port the system picks, on this machine only."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """A new bucket per test, and STORAGES["default"] built by the settings' own function from
    the variables an operator sets."""
    name = f"p3hub-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id="test-key",
        aws_secret_access_key="test-secret",
    )
    client.create_bucket(Bucket=name)
    environment = KEYS | {
        "P3HUB_S3_BUCKET": name,
        "P3HUB_S3_ENDPOINT_URL": s3_endpoint,
        "P3HUB_S3_REGION": REGION,
        "P3HUB_S3_ADDRESSING_STYLE": "path",
    }
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    settings.STORAGES = settings.STORAGES | {"default": p3hub_settings.file_storage()}
    return BucketView(client, name)


class BucketView:
    """What the bucket itself holds, read with boto3 beside our storage."""

    def __init__(self, client, name):
        self.client = client
        self.name = name

    def keys(self) -> list[str]:
        listing = self.client.list_objects_v2(Bucket=self.name)
        return [each["Key"] for each in listing.get("Contents", [])]

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def grants(self, key: str) -> list[str]:
        acl = self.client.get_object_acl(Bucket=self.name, Key=key)
        return [grant["Permission"] for grant in acl["Grants"]]


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def signed_in(personas, username: str) -> Client:
    client = Client()
    client.force_login(personas[username])
    return client


def test_without_a_bucket_files_stay_on_disk(monkeypatch):
    monkeypatch.delenv("P3HUB_S3_BUCKET", raising=False)
    assert p3hub_settings.file_storage() == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }


def test_a_bucket_makes_the_store_private_unsigned_and_never_overwriting(monkeypatch):
    monkeypatch.setenv("P3HUB_S3_BUCKET", "p3hub-files")
    monkeypatch.delenv("P3HUB_S3_ENDPOINT_URL", raising=False)
    storage = p3hub_settings.file_storage()
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "p3hub-files"
    assert storage["OPTIONS"]["endpoint_url"] is None  # AWS itself
    assert storage["OPTIONS"]["default_acl"] == "private"
    assert storage["OPTIONS"]["querystring_auth"] is False
    assert storage["OPTIONS"]["file_overwrite"] is False


def test_an_unknown_addressing_style_stops_the_start(monkeypatch):
    monkeypatch.setenv("P3HUB_S3_BUCKET", "p3hub-files")
    monkeypatch.setenv("P3HUB_S3_ADDRESSING_STYLE", "sideways")
    with pytest.raises(ValueError, match="P3HUB_S3_ADDRESSING_STYLE"):
        p3hub_settings.file_storage()


def test_a_bid_attachment_is_ciphertext_in_the_bucket_and_opens_for_its_company_only(
    bucket, personas, actor, published
):
    acme = vendor_actor_for(personas["vendor.acme"])
    bid = bids.bid_start(actor=acme, solicitation=published)

    attachment = bids.bid_attach(
        actor=acme, bid=bid, title="Proposal", file=upload("proposal.pdf", SECRET_FILE)
    )

    assert bucket.keys() == [attachment.file.name]
    assert attachment.file.name.startswith("bids/") and "proposal" not in attachment.file.name
    stored = bucket.read(attachment.file.name)
    assert stored and MARKER not in stored and stored != SECRET_FILE
    assert bucket.grants(attachment.file.name) == ["FULL_CONTROL"]  # the owner's, no one else's
    assert "Signature" not in attachment.file.url and "X-Amz" not in attachment.file.url
    assert bids.bid_attachment_content(actor=acme, attachment=attachment) == SECRET_FILE
    beacon = vendor_actor_for(personas["vendor.beacon"])
    with pytest.raises(NotFound):
        bids.bid_attachment_content(actor=beacon, attachment=attachment)
    with pytest.raises(PermissionDenied):  # staff too wait for the opening
        bids.bid_attachment_content(actor=actor("officer"), attachment=attachment)


def test_two_uploads_never_share_an_object(bucket, personas, published):
    acme = vendor_actor_for(personas["vendor.acme"])
    bid = bids.bid_start(actor=acme, solicitation=published)
    for title in ("Proposal", "Same file again"):
        bids.bid_attach(actor=acme, bid=bid, title=title, file=upload("p.pdf", SECRET_FILE))

    assert len(set(bucket.keys())) == 2


def test_a_certificate_goes_up_and_comes_back_through_its_page(bucket, personas):
    acme = signed_in(personas, "vendor.acme")

    response = acme.post(
        "/vendor/certificates/new/", insurance(file=upload("cover.png", PNG_BYTES))
    )

    assert response.status_code == 302
    certificate = Certificate.objects.get()
    assert bucket.keys() == [certificate.file.name]
    assert bucket.read(certificate.file.name) == PNG_BYTES
    assert bucket.grants(certificate.file.name) == ["FULL_CONTROL"]
    download = acme.get(f"/vendor/certificates/{certificate.pk}/file/")
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="cover.png"'
    assert body_of(download) == PNG_BYTES
    beacon = signed_in(personas, "vendor.beacon")
    assert beacon.get(f"/vendor/certificates/{certificate.pk}/file/").status_code == 404


def test_a_removed_certificate_stays_in_the_bucket(bucket, personas):
    acme = vendor_actor_for(personas["vendor.acme"])
    certificate = vendor_services.certificate_add(actor=acme, **insurance(expires_on=in_days(200)))

    vendor_services.certificate_remove(actor=acme, certificate=certificate)

    assert bucket.keys() == [certificate.file.name]  # kept for the record, as on disk


def test_a_solicitation_document_is_served_from_the_bucket_to_members_only(
    bucket, client, personas, actor, cameras
):
    document = services.document_add(
        actor=actor("officer"),
        solicitation=cameras,
        title="Site plan",
        file=upload("Site plan.png", PNG_BYTES),
    )
    url = f"/riverton/solicitations/{cameras.reference}/documents/{document.pk}/"

    assert bucket.keys() == [document.file.name]
    client.force_login(personas["officer.lakeside"])
    assert client.get(url).status_code == 404  # a draft's documents are riverton's
    client.force_login(personas["evaluator"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert body_of(response) == PNG_BYTES


def test_the_health_check_reaches_the_bucket(bucket, client):
    response = client.get("/healthz")

    assert response.status_code == 200, response.content
    assert response.json()["storage"] == {"status": "ok"}
    assert bucket.keys() == [STORAGE_MARKER]
