from fastapi import APIRouter, HTTPException, status

from ai_receptionist.accounts import authenticate
from ai_receptionist.api.deps import SessionDep
from ai_receptionist.api.errors import BAD_BODY
from ai_receptionist.core.security import create_access_token
from ai_receptionist.schemas.auth import LoginRequest, Token
from ai_receptionist.schemas.errors import ErrorMessage

router = APIRouter(prefix="/auth", tags=["auth"])

LOGIN_FAILED = "Incorrect email or password"


@router.post(
    "/login",
    response_model=Token,
    responses={**BAD_BODY, 401: {"model": ErrorMessage, "description": LOGIN_FAILED}},
)
def login(body: LoginRequest, session: SessionDep) -> Token:
    account = authenticate(session, email=body.email, password=body.password)
    if account is None:
        # Same status and detail for an unknown email and a wrong password.
        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail=LOGIN_FAILED)
    return Token(access_token=create_access_token(account.id))
