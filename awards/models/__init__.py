from .pages import AwardIndexPage, CompetitionPage, EntryPage
from .scoring import ExpertScore, Finalization, FinalResult, Objection
from .voting import Ballot, BallotChoice

__all__ = [
    "AwardIndexPage",
    "Ballot",
    "BallotChoice",
    "CompetitionPage",
    "EntryPage",
    "ExpertScore",
    "FinalResult",
    "Finalization",
    "Objection",
]
