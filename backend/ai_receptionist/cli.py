"""Command line: `python -m ai_receptionist {serve,init-db,create-account}`.

Errors are one line on stderr with exit status 1 (2 for a wrong command line), never a
traceback. Passwords come from AI_RECEPTIONIST_PASSWORD or stdin, never from argv.
"""

import argparse
import getpass
import os
import sys

from sqlalchemy.exc import SQLAlchemyError

from ai_receptionist.core.config import ConfigError

PASSWORD_ENV = "AI_RECEPTIONIST_PASSWORD"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ai_receptionist")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="create missing tables, then serve the API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--log-level", default="info")
    commands.add_parser("init-db", help="create the tables that do not exist yet")
    create = commands.add_parser(
        "create-account",
        help=f"create an account; password from ${PASSWORD_ENV} or stdin",
    )
    create.add_argument("--email", required=True)
    owner = create.add_mutually_exclusive_group(required=True)
    owner.add_argument("--business-name", help="name of the business the account owns")
    owner.add_argument("--no-business", action="store_true", help="the account owns no business")
    return parser


def _read_password() -> str:
    password = os.environ.get(PASSWORD_ENV)
    if password is not None:
        return password
    if sys.stdin.isatty():
        return getpass.getpass("Password: ")
    return sys.stdin.readline().removesuffix("\n").removesuffix("\r")


def _serve(args: argparse.Namespace) -> None:
    import uvicorn

    from ai_receptionist.core.database import init_db
    from ai_receptionist.main import app

    init_db()
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)


def _init_db(_args: argparse.Namespace) -> None:
    from ai_receptionist.core.database import init_db

    init_db()
    print("database ready")


def _create_account(args: argparse.Namespace) -> None:
    from ai_receptionist.accounts import create_account

    business_name = None if args.no_business else args.business_name
    account_id = create_account(
        email=args.email, password=_read_password(), business_name=business_name
    )
    print(f"created account {account_id}" + ("" if business_name is None else " with its business"))


COMMANDS = {"serve": _serve, "init-db": _init_db, "create-account": _create_account}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        COMMANDS[args.command](args)
    except (ConfigError, ValueError) as exc:  # includes AccountError
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        print(f"error: database: {type(exc).__name__}: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0
