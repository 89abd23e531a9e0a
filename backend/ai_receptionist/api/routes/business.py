from fastapi import APIRouter, BackgroundTasks, HTTPException, status

from ai_receptionist.api.deps import CurrentUser, SessionDep
from ai_receptionist.api.errors import BAD_BODY, NO_BUSINESS, UNAUTHORIZED
from ai_receptionist.schemas.business import Business, BusinessUpdate, BusinessUpdateResult
from ai_receptionist.services.business_settings import (
    apply_changes,
    get_business,
    lock_business,
    mark_audit_pending,
    needs_audit,
)

router = APIRouter(prefix="/business", tags=["business"])


def _not_found() -> HTTPException:
    return HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="No business for this account")


@router.get("/me", response_model=Business, responses={**UNAUTHORIZED, **NO_BUSINESS})
def read_business_me(session: SessionDep, current_user: CurrentUser) -> Business:
    business = get_business(session, owner_id=current_user.id)
    if business is None:
        raise _not_found()
    return Business.model_validate(business)


@router.put(
    "/me",
    response_model=BusinessUpdateResult,
    responses={**BAD_BODY, **UNAUTHORIZED, **NO_BUSINESS},
)
def update_business_me(
    update: BusinessUpdate,
    session: SessionDep,
    current_user: CurrentUser,
    background_tasks: BackgroundTasks,
) -> BusinessUpdateResult:
    business = lock_business(session, owner_id=current_user.id)
    if business is None:
        raise _not_found()
    changed = apply_changes(business, update.changes())
    audit = needs_audit(changed)
    if audit:
        # Imported here, before commit: only an update that changes description or FAQs
        # needs the auditor, and if it cannot be imported nothing is committed.
        from ai_receptionist.services.voice import auditor

        revision = mark_audit_pending(business)
    result = BusinessUpdateResult(
        status="audit_pending" if audit else "success",
        business=Business.model_validate(business),
    )
    session.commit()
    if audit:
        background_tasks.add_task(
            auditor.audit_business, business_id=result.business.id, revision=revision
        )
    return result
