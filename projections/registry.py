"""Every read model, in the order operators see them."""

from tidings.projections.account_stats import AccountStats
from tidings.projections.accounts import Accounts
from tidings.projections.blocks import Blocks
from tidings.projections.conversations import Conversations
from tidings.projections.hashtags import Hashtags
from tidings.projections.home_timeline import HomeTimeline
from tidings.projections.interactions import Interactions
from tidings.projections.jobs import Jobs
from tidings.projections.lists import Lists
from tidings.projections.notifications import Notifications
from tidings.projections.oauth import OAuth
from tidings.projections.relationships import Relationships
from tidings.projections.scheduled_statuses import ScheduledStatuses
from tidings.projections.statuses import Statuses
from tidings.projections.thread_mutes import ThreadMutes
from tidings.projections.tracking import Projection

PROJECTIONS: tuple[type[Projection], ...] = (
    Accounts,
    OAuth,
    Statuses,
    Relationships,
    Blocks,
    AccountStats,
    HomeTimeline,
    Interactions,
    Lists,
    Jobs,
    ScheduledStatuses,
    Conversations,
    ThreadMutes,
    Hashtags,
    Notifications,
)
BY_NAME: dict[str, type[Projection]] = {p.name: p for p in PROJECTIONS}
NAMES: tuple[str, ...] = tuple(BY_NAME)
