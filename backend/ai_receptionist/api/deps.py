"""Dependencies shared by the routes: a database session and the logged-in account."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from ai_receptionist.core.database import get_session_local, init_db
from ai_receptionist.core.security import account_id_from_token
from ai_receptionist.models import Account

bearer_scheme = HTTPBearer(auto_error=False, description="Access token from POST /api/auth/login")


def get_db() -> Iterator[Session]:
    # init_db() is a no-op after its first run; it is here for ASGI transports that never
    # send the lifespan start-up event (httpx.ASGITransport).
    init_db()
    with get_session_local()() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_db)]
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)]


def unauthorized(detail: str) -> HTTPException:
    return HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail=detail,
        headers={"WWW-Authenticate": "Bearer"},
    )


def get_current_user(session: SessionDep, credentials: BearerDep) -> Account:
    if credentials is None:
        raise unauthorized("Not authenticated")
    account_id = account_id_from_token(credentials.credentials)
    account = session.get(Account, account_id) if account_id is not None else None
    if account is None:
        raise unauthorized("Could not validate credentials")
    return account


CurrentUser = Annotated[Account, Depends(get_current_user)]
