"""Who may see the register and change numbering: the committee (which numbers the documents)
and the administrator; leadership reads the register. Each agency keeps its own register and
scheme (issue 22, rakor/auth/tenancy.py): the committee reads and numbers for the organizers it
acts for, leadership reads those it oversees. Without an agency the rule answers for the page."""
from rakor.auth import tenancy
from rakor.policy import ADMIN, COMMITTEE, LEADERSHIP, rule


@rule("numbering.view")
def _view(user, agency=None):
    if user.role not in (ADMIN, COMMITTEE, LEADERSHIP):
        return False
    return agency is None or tenancy.sees_agency(user, agency.id)


@rule("numbering.manage")
def _manage(user, agency=None):
    if user.role not in (ADMIN, COMMITTEE):
        return False
    return agency is None or tenancy.acts_for(user, agency.id)
