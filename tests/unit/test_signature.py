import pytest

from library_service.line.signature import compute_signature, is_valid_signature

# LINE's published test vector (ARCHITECTURE.md §4).
SECRET = "8c570fa6dd201bb328f1c1eac23a96d8"
BODY = b'{"destination":"U8e742f61d673b39c7fff3cecb7536ef0","events":[]}'
SIGNATURE = "GhRKmvmHys4Pi8DxkF4+EayaH0OqtJtaZxgTD9fMDLs="


def test_official_vector():
    assert compute_signature(SECRET, BODY) == SIGNATURE
    assert is_valid_signature(SECRET, BODY, SIGNATURE)


@pytest.mark.parametrize(
    "body, signature",
    [
        (BODY + b" ", SIGNATURE),  # one byte more in the body
        (BODY, SIGNATURE[:-2] + "A="),
        (BODY, ""),
        (BODY, None),
        (BODY, "not base64 at all ☃"),
    ],
)
def test_rejects_anything_else(body, signature):
    assert not is_valid_signature(SECRET, body, signature)


def test_rejects_when_secret_missing():
    assert not is_valid_signature("", BODY, SIGNATURE)
