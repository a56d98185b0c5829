"""Login throttling (servicedesk/login_throttle.py): after too many failed logins for an
account, or from one client address, every login is refused, the right password too,
with a message that says so; the admin's login counts the same way."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOCKED = "Too many failed logins"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = "5/15min"
    settings.LOGIN_FAILURES_PER_CLIENT = "30/15min"


def _login(client, username: str, password: str, address: str = "203.0.113.7"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_150_wrong_passwords_then_the_right_one_does_not_log_in(client, l2):
    for attempt in range(150):
        response = _login(client, "l2", f"guess-{attempt}")
        assert response.status_code == 200
    response = _login(client, "l2", PASSWORD)
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    page = response.content.decode()
    assert LOCKED in page
    assert "minutes" in page
    assert 'class="form-errors"' in page  # the login page's styled error box


def test_the_account_locks_after_five_failures_and_the_message_says_so(client, l2):
    for attempt in range(4):
        assert LOCKED not in _login(client, "l2", f"wrong-{attempt}").content.decode()
    fifth = _login(client, "l2", "wrong-5").content.decode()
    assert "Please enter a correct username and password" in fifth
    locked = _login(client, "l2", PASSWORD).content.decode()
    assert LOCKED in locked
    # The name is counted however it is spelled, and from any address.
    assert LOCKED in _login(client, " L2 ", PASSWORD, address="198.51.100.9").content.decode()


def test_fewer_failures_than_the_limit_do_not_stop_the_right_password(client, l2):
    for attempt in range(4):
        _login(client, "l2", f"wrong-{attempt}")
    response = _login(client, "l2", PASSWORD)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(l2.pk)


def test_a_successful_login_clears_the_account_count(client, l2):
    for attempt in range(4):
        _login(client, "l2", f"wrong-{attempt}")
    assert _login(client, "l2", PASSWORD).status_code == 302
    client.logout()
    for attempt in range(4):
        _login(client, "l2", f"again-{attempt}")
    assert _login(client, "l2", PASSWORD).status_code == 302


def test_one_client_trying_many_accounts_is_locked_out(client, db):
    UserFactory(username="victim")
    for attempt in range(30):
        _login(client, f"nobody-{attempt}", "x", address="192.0.2.50")
    locked = _login(client, "victim", PASSWORD, address="192.0.2.50")
    assert LOCKED in locked.content.decode()
    assert SESSION_KEY not in client.session
    # Another client is not affected.
    assert _login(client, "victim", PASSWORD, address="192.0.2.51").status_code == 302


def test_a_portal_contact_is_throttled_on_the_same_login(client, contact_a):
    for attempt in range(5):
        _login(client, "contact_a", f"wrong-{attempt}")
    assert LOCKED in _login(client, "contact_a", PASSWORD).content.decode()


def test_the_admin_login_counts_and_refuses_the_same_way(client, db):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    url = reverse("admin:login")
    for attempt in range(5):
        client.post(url, {"username": "root", "password": f"no-{attempt}"}, REMOTE_ADDR="10.9.8.7")
    response = client.post(url, {"username": "root", "password": PASSWORD}, REMOTE_ADDR="10.9.8.7")
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert SESSION_KEY not in client.session


def test_failures_counted_on_the_admin_also_lock_the_desk_login(client, l2):
    for attempt in range(5):
        client.post(reverse("admin:login"), {"username": "l2", "password": f"no-{attempt}"})
    assert LOCKED in _login(client, "l2", PASSWORD).content.decode()


def test_behind_a_proxy_the_forwarded_address_is_counted(client, settings, l2):
    settings.NUM_PROXIES = 1
    for attempt in range(30):
        client.post(
            reverse("login"),
            {"username": f"x{attempt}", "password": "x"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="spoofed, 203.0.113.99",
        )
    # The proxy's own address is not what is locked out: another client logs in.
    other = client.post(
        reverse("login"),
        {"username": "l2", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.100",
    )
    assert other.status_code == 302


def test_the_rate_format():
    from servicedesk import throttling

    assert throttling.Rate.parse("5/15min") == throttling.Rate(limit=5, period=900)
    assert throttling.Rate.parse("120/min") == throttling.Rate(limit=120, period=60)
    assert throttling.Rate.parse("3/h") == throttling.Rate(limit=3, period=3600)
    with pytest.raises(Exception, match="Not a rate"):
        throttling.Rate.parse("five a minute")
