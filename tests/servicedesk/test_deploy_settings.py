"""`manage.py check --deploy` is clean under the production settings of .env.example
(loaded as the README says: `set -a; . ./.env.example; set +a`), once its SECRET_KEY
placeholder is replaced, and the placeholder itself is refused."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage_with_env_example(*args: str, **overrides: str) -> subprocess.CompletedProcess:
    exports = " ".join(f"{key}={value}" for key, value in overrides.items())
    script = (
        "set -a; . ./.env.example; set +a; "
        + (f"export {exports}; " if exports else "")
        + 'exec "$PYTHON" manage.py "$@"'
    )
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "PYTHON": sys.executable,
    }
    return subprocess.run(
        ["bash", "-c", script, "bash", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_example_settings():
    result = _manage_with_env_example(
        "check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=secrets.token_urlsafe(50)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_example_secret_key_is_refused():
    result = _manage_with_env_example("check", "--deploy")
    assert result.returncode != 0
    assert "SECRET_KEY is still the placeholder of .env.example" in result.stderr


def test_a_per_process_cache_is_reported_when_deploying():
    result = _manage_with_env_example(
        "check", "--deploy", SECRET_KEY=secrets.token_urlsafe(50), CACHE_URL=""
    )
    assert "servicedesk.W001" in result.stderr + result.stdout


def test_a_mistyped_rate_stops_the_start():
    result = _manage_with_env_example(
        "check", SECRET_KEY=secrets.token_urlsafe(50), LOGIN_FAILURES_PER_ACCOUNT="five"
    )
    assert result.returncode != 0
    assert "servicedesk.E001" in result.stderr
    assert "LOGIN_FAILURES_PER_ACCOUNT" in result.stderr
