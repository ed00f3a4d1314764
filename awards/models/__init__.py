from .pages import AwardIndexPage, CompetitionPage, EntryPage
from .scoring import ExpertScore, FinalResult, Finalization, Objection
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
