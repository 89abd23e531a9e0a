"""`python -m ai_receptionist`: create-account and init-db, in process."""

import io

import pytest

from ai_receptionist import cli
from ai_receptionist.core.database import get_session_local, reset_engine
from ai_receptionist.models import Account, Business

PASSWORD = "s3cret-pass-phrase"


def run_cli(*args: str, monkeypatch, stdin: str = "", env_password: str | None = None) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    if env_password is None:
        monkeypatch.delenv(cli.PASSWORD_ENV, raising=False)
    else:
        monkeypatch.setenv(cli.PASSWORD_ENV, env_password)
    return cli.main(list(args))


def test_create_account_reads_password_from_stdin(sqlite_url, monkeypatch, capsys):
    code = run_cli("create-account", "--email", "a@example.com", "--business-name", " Acme ",
                   monkeypatch=monkeypatch, stdin=PASSWORD + "\n")

    assert code == 0
    with get_session_local()() as session:
        business = session.query(Business).one()
        assert business.name == " Acme "
    assert PASSWORD not in capsys.readouterr().out


def test_create_account_no_business_uses_env_password(sqlite_url, monkeypatch):
    code = run_cli("create-account", "--email", "b@example.com", "--no-business",
                   monkeypatch=monkeypatch, env_password=PASSWORD)

    assert code == 0
    with get_session_local()() as session:
        assert session.query(Account).count() == 1
        assert session.query(Business).count() == 0


def test_create_account_duplicate_email_is_one_line_error(sqlite_url, monkeypatch, capsys):
    args = ("create-account", "--email", "a@example.com", "--no-business")
    run_cli(*args, monkeypatch=monkeypatch, env_password=PASSWORD)

    code = run_cli(*args, monkeypatch=monkeypatch, env_password=PASSWORD)

    err = capsys.readouterr().err
    assert code == 1
    assert err == "error: an account with email 'a@example.com' already exists\n"


@pytest.mark.parametrize("password", ["", "p" * 129])
def test_create_account_invalid_password_is_rejected_unechoed(sqlite_url, monkeypatch, capsys, password):
    code = run_cli("create-account", "--email", "a@example.com", "--no-business",
                   monkeypatch=monkeypatch, env_password=password)

    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("error: invalid account: password:") and err.count("\n") == 1
    assert (password or "\0") not in err


def test_create_account_needs_business_choice(sqlite_url, monkeypatch, capsys):
    with pytest.raises(SystemExit) as exit_info:
        run_cli("create-account", "--email", "a@example.com", monkeypatch=monkeypatch)

    assert exit_info.value.code == 2


def test_init_db_bad_database_url_is_one_line_error(monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    reset_engine()
    code = run_cli("init-db", monkeypatch=monkeypatch)
    reset_engine()

    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("error: database: OperationalError") and err.count("\n") == 1
