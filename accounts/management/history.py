"""The demo's past months: requests, mentorships, goals, check-ins and a cohort run (PRODUCT §7).

A newcomer who runs ``make run`` should find a program that has been running for a while: a mentor
inbox with requests waiting, a coordinator's approval queue, live mentorships with goals and
check-ins answered, missed and at risk, ended ones with feedback, a published cohort run, and
charts with something in them. ``write_history`` writes that past once, deterministically (the
same seed gives the same history), in bulk, relative to the moment it runs. It never sends an
e-mail: notifications of the past are written as already delivered.

The demo logins get a story of their own: the demo mentee is in a live mentorship with the demo
mentor (goals, answered check-ins, one due now), has a request declined and another waiting; the
demo mentor has requests waiting in the inbox and a finished mentorship with feedback.
"""

from __future__ import annotations

import datetime
import random
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from accounts.management import demo
from accounts.models import MenteeProfile, MentorProfile, Program, User
from matching.models import (
    Agreement,
    CheckIn,
    CheckInResponse,
    CohortPair,
    CohortRun,
    Conversation,
    Goal,
    Kind,
    Meeting,
    MeetingLog,
    MentoringPolicy,
    Mentorship,
    MentorshipRequest,
    Message,
    Notification,
    Transition,
)

DAY = datetime.timedelta(days=1)
Status = MentorshipRequest.Status

MESSAGES = (
    "I'm hoping to go into {field}. Your work caught my eye and I'd love your advice.",
    "Hello! I'm interested in {field} and would value a mentor who has been through the road ahead.",
    "I'd be grateful for guidance on {field}: research, away rotations and how to stand out.",
    "Could we talk about {field}? I'm preparing my application and have many questions.",
)
GOALS = (
    "Draft and revise my personal statement",
    "Find a research project for the summer",
    "Plan away rotations",
    "Prepare for residency interviews",
    "Choose between two specialties",
    "Present a case report at a regional meeting",
    "Build a list of programs to apply to",
    "Shadow in clinic twice this term",
)
PROGRESS = (
    "We met and went through my CV line by line.",
    "Second draft of the personal statement done.",
    "Found a lab; first meeting next week.",
    "Mock interview went well, two things to work on.",
    "Talked about away rotations and made a shortlist.",
)
FEEDBACK = (
    "Generous with time and very concrete advice.",
    "Helped me see the field from the inside. I'd recommend to anyone.",
    "A motivated mentee who followed through on every step.",
    "We met our goals early; a pleasure to work with.",
)
AGENDAS = (
    "Go through the CV and pick two things to strengthen.",
    "Personal statement: second draft.",
    "Away rotations: which programs, and when to apply.",
    "Research: how to approach the lab, what to read first.",
    "Mock interview, 30 minutes, then feedback.",
)
CHAT = (
    ("mentee", "Thank you for today! I've sent you the draft we talked about."),
    ("mentor", "Got it, I'll read it this weekend. Good progress."),
    ("mentee", "Would next Tuesday evening work for our next call?"),
    ("mentor", "Tuesday works. I'll send an invite."),
    ("mentee", "I reached out to the lab you suggested; they replied!"),
    ("mentor", "Great news. Let's talk about how to prepare for that first meeting."),
)
DECLINE_NOTES = (
    "I'm full until the spring, sorry. Please ask me again then.",
    "This is a bit outside my field; a colleague in your specialty would help you more.",
    "Our schedules don't overlap; I operate most evenings.",
)


@dataclass
class Counts:
    requests: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    mentorships: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    checkins: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    meetings: int = 0
    messages: int = 0
    cohort_runs: int = 0

    def summary(self) -> str:
        def show(counter: dict[str, int]) -> str:
            return ", ".join(f"{n} {status}" for status, n in sorted(counter.items())) or "none"

        return (
            f"  history: requests ({show(self.requests)}); mentorships ({show(self.mentorships)}); "
            f"check-ins ({show(self.checkins)}); {self.meetings} meetings, {self.messages} messages; "
            f"{self.cohort_runs} published cohort run"
        )


def has_history(program: Program) -> bool:
    """Whether the past was already written: any request or mentorship among demo people."""
    demo_people = User.objects.filter(email__endswith=f"@{demo.DOMAIN}")
    return (
        MentorshipRequest.objects.filter(program=program, mentee__in=demo_people).exists()
        or Mentorship.objects.filter(program=program, mentee__in=demo_people).exists()
    )


def write_history(*, program: Program, coordinator: User, now: datetime.datetime | None = None) -> Counts:
    """Write the demo's past (about six months) into ``program``; returns what was written."""
    return _History(program=program, coordinator=coordinator, now=now or timezone.now()).write()


class _History:
    def __init__(self, *, program: Program, coordinator: User, now: datetime.datetime) -> None:
        self.program = program
        self.coordinator = coordinator
        self.now = now
        self.today = timezone.localdate(now)
        self.rng = random.Random(f"{demo.SEED}:history")
        self.counts = Counts()
        mentors = (
            MentorProfile.objects.verified()
            .filter(user__email__endswith=f"@{demo.DOMAIN}", user__memberships__program=program)
            .select_related("user", "specialty")
            .order_by("user_id")
        )
        self.mentors = list(mentors)
        self.mentor_profile = {profile.user_id: profile for profile in self.mentors}
        taken = dict(Mentorship.objects.active().values_list("mentor_id").annotate(n=Count("pk")).order_by())
        self.active_load: dict[int, int] = defaultdict(int, taken)
        self.by_specialty: dict[int | None, list[int]] = defaultdict(list)
        for profile in self.mentors:
            self.by_specialty[profile.specialty_id].append(profile.user_id)
        mentees = (
            MenteeProfile.objects.filter(user__email__endswith=f"@{demo.DOMAIN}", user__memberships__program=program)
            .select_related("user")
            .prefetch_related("target_specialties")
            .order_by("user_id")
        )
        self.mentees = list(mentees)
        self.busy_mentees: set[int] = set()
        self.open_pairs: set[tuple[int, int]] = set()

    # --- The whole past ------------------------------------------------------------------------

    def write(self) -> Counts:
        self.fixed_logins()
        if not self.mentors or len(self.mentees) < 4:
            return self.counts
        mentees = [m for m in self.mentees if m.user_id not in self.busy_mentees]
        self.rng.shuffle(mentees)
        share = max(1, len(mentees) // 12)
        cohort, rest = mentees[: 2 * share], mentees[2 * share :]
        self.cohort_run(cohort, started=self.now - 150 * DAY)
        # Mentee-initiated requests over six months, in every state.
        plan = (
            [("matched", 150, 20)] * (2 * share)
            + [("pending", 9, 0)] * share
            + [("accepted", 8, 2)] * (share // 2 + 1)
            + [("declined", 120, 5)] * share
            + [("withdrawn", 100, 3)] * (share // 2 + 1)
            + [("expired", 170, 30)] * (share // 2 + 1)
            + [("rejected", 90, 20)] * (share // 4 + 1)
        )
        for (state, oldest, newest), mentee in zip(plan, rest, strict=False):
            created = self.now - self.rng.uniform(newest, oldest) * DAY
            self.request(mentee, state=state, created=created)
        return self.counts

    # --- The three fixed logins ------------------------------------------------------------------

    def fixed_logins(self) -> None:
        mentee = User.objects.filter(email=demo.DEMO_MENTEE_EMAIL).first()
        mentor = User.objects.filter(email=demo.DEMO_MENTOR_EMAIL).first()
        if mentee is None or mentor is None or Mentorship.objects.filter(mentee=mentee, mentor=mentor).exists():
            return
        started = self.now - 61 * DAY
        request = self._request_row(
            mentee.pk,
            mentor.pk,
            status=Status.MATCHED,
            created=started - 6 * DAY,
            message=(
                "I'm a third-year student set on orthopaedic sports medicine. I'd love help choosing away "
                "rotations and getting a research project going before applications."
            ),
            goals="Away rotations; a research project; my personal statement.",
            responded=started - 5 * DAY,
            decided=started,
        )
        mentorship = self._mentorship(request, started=started)
        self.goals(mentorship, done=1, texts=("Choose two away rotations", "Start a sports-medicine research project",
                                               "Write the first draft of my personal statement"))  # fmt: skip
        self.checkins(mentorship, story="due_now")
        self.meetings(mentorship, story="due_now")
        self.messages(mentorship, story="due_now")
        self.agreement(
            mentorship,
            goals="Choose two away rotations; start a research project; a first draft of the personal statement.",
        )
        self._notify(mentee, Notification.Kind.MATCH_LIVE, "Your match with your mentor is live",
                     f"/mentorships/{mentorship.pk}/", days_ago=61, read=True)  # fmt: skip
        self._notify(mentor, Notification.Kind.MATCH_LIVE, "Your match with your new mentee is live",
                     f"/mentorships/{mentorship.pk}/", days_ago=61, read=True)  # fmt: skip
        for person in (mentee, mentor):
            self._notify(person, Notification.Kind.CHECKIN_DUE, "Check-in due: how is your mentorship going?",
                         f"/mentorships/{mentorship.pk}/#checkins", days_ago=2, read=False)  # fmt: skip
        others = [m for m in self.mentors if m.user_id != mentor.pk]
        if len(others) >= 2:
            declined = self._request_row(
                mentee.pk, others[0].user_id, status=Status.DECLINED, created=self.now - 80 * DAY,
                message="Could you help me prepare for sports-medicine research?",
                responded=self.now - 78 * DAY, decline_reason=MentorshipRequest.DeclineReason.NO_CAPACITY,
                note=DECLINE_NOTES[0],
            )  # fmt: skip
            self._notify(mentee, Notification.Kind.REQUEST_DECLINED, "Your request was declined", "/requests/",
                         days_ago=78, read=True)  # fmt: skip
            del declined
            self._request_row(
                mentee.pk, others[1].user_id, status=Status.PENDING, created=self.now - 2 * DAY, kind=Kind.TASK,
                task="Review my personal statement", due_date=self.today + 20 * DAY,
                message="Would you read my personal statement before I submit it? About 650 words.",
            )  # fmt: skip
        # The demo mentor: requests waiting in the inbox, one waiting for approval, one finished mentorship.
        waiting = [m for m in self.mentees if m.user_id not in self.busy_mentees][:5]
        for days, profile in zip((1, 3, 6), waiting[:3], strict=False):
            self._request_row(profile.user_id, mentor.pk, status=Status.PENDING, created=self.now - days * DAY,
                              message=self._message(profile))  # fmt: skip
            self._notify(mentor, Notification.Kind.REQUEST_CREATED, "New mentorship request", "/inbox/",
                         days_ago=days, read=days > 3)  # fmt: skip
        if len(waiting) >= 5:
            self._request_row(waiting[3].user_id, mentor.pk, status=Status.ACCEPTED, created=self.now - 9 * DAY,
                              message=self._message(waiting[3]), responded=self.now - 4 * DAY)  # fmt: skip
            past = self._request_row(waiting[4].user_id, mentor.pk, status=Status.MATCHED,
                                     created=self.now - 170 * DAY, message=self._message(waiting[4]),
                                     responded=self.now - 168 * DAY, decided=self.now - 165 * DAY)  # fmt: skip
            finished = self._mentorship(past, started=self.now - 165 * DAY)
            self.goals(finished, done=3)
            self.checkins(finished, story="good")
            self.meetings(finished, story="good", until=self.now - 40 * DAY)
            self.messages(finished, story="good", until=self.now - 40 * DAY)
            self.end(finished, status=Mentorship.Status.COMPLETED, when=self.now - 40 * DAY)
            self.busy_mentees.update(profile.user_id for profile in waiting[:5])

    # --- Requests -----------------------------------------------------------------------------

    def request(self, mentee: MenteeProfile, *, state: str, created: datetime.datetime) -> None:
        mentor_id = self.pick_mentor(mentee, needs_room=state in ("matched", "accepted"))
        if mentor_id is None:
            return
        message = self._message(mentee)
        responded = created + self.rng.uniform(0.2, 4.0) * DAY
        if state == "pending":
            self._request_row(mentee.user_id, mentor_id, status=Status.PENDING, created=created, message=message)
        elif state == "accepted":
            self._request_row(mentee.user_id, mentor_id, status=Status.ACCEPTED, created=created, message=message,
                              responded=min(responded, self.now - DAY / 4))  # fmt: skip
        elif state == "declined":
            reason = self.rng.choice(list(MentorshipRequest.DeclineReason.values[:3]))
            self._request_row(mentee.user_id, mentor_id, status=Status.DECLINED, created=created, message=message,
                              responded=responded, decline_reason=reason,
                              note=self.rng.choice(DECLINE_NOTES))  # fmt: skip
        elif state == "withdrawn":
            self._request_row(mentee.user_id, mentor_id, status=Status.WITHDRAWN, created=created, message=message,
                              decided=created + 2 * DAY)  # fmt: skip
        elif state == "expired":
            expiry = created + self.program.request_expiry_days * DAY
            self._request_row(mentee.user_id, mentor_id, status=Status.EXPIRED, created=created, message=message,
                              decided=expiry)  # fmt: skip
        elif state == "rejected":
            self._request_row(mentee.user_id, mentor_id, status=Status.REJECTED, created=created, message=message,
                              responded=responded, decided=responded + 2 * DAY,
                              note="The coordinator suggested a mentor closer to your goals.")  # fmt: skip
        elif state == "matched":
            started = responded + self.rng.uniform(0.5, 3.0) * DAY
            request = self._request_row(mentee.user_id, mentor_id, status=Status.MATCHED, created=created,
                                        message=message, responded=responded, decided=started)  # fmt: skip
            self.live_story(self._mentorship(request, started=started))

    def pick_mentor(self, mentee: MenteeProfile, *, needs_room: bool) -> int | None:
        targets = [s.pk for s in mentee.target_specialties.all()]
        candidates = [m for s in targets for m in self.by_specialty.get(s, [])] or [m.user_id for m in self.mentors]
        self.rng.shuffle(candidates)
        for mentor_id in candidates:
            if (mentee.user_id, mentor_id) in self.open_pairs:
                continue
            if needs_room and self.active_load[mentor_id] >= self.mentor_profile[mentor_id].capacity:
                continue
            return mentor_id
        return None

    def _request_row(
        self,
        mentee_id: int,
        mentor_id: int,
        *,
        status: str,
        created: datetime.datetime,
        message: str,
        goals: str = "",
        kind: str = Kind.LONG_TERM,
        task: str = "",
        due_date: datetime.date | None = None,
        responded: datetime.datetime | None = None,
        decided: datetime.datetime | None = None,
        decline_reason: str = "",
        note: str = "",
        cohort_run: CohortRun | None = None,
    ) -> MentorshipRequest:
        request = MentorshipRequest.objects.create(
            program=self.program,
            mentee_id=mentee_id,
            mentor_id=mentor_id,
            kind=kind,
            task=task,
            due_date=due_date,
            message=message,
            goals=goals,
            status=status,
            decline_reason=decline_reason,
            response_note=note,
            created_at=created,
            responded_at=responded,
            decided_at=decided,
            expires_at=created + self.program.request_expiry_days * DAY,
            cohort_run=cohort_run,
        )
        accepted = (Status.PENDING, Status.ACCEPTED, responded)
        moves: dict[str, list[tuple[str, str, datetime.datetime | None]]] = {
            Status.ACCEPTED: [accepted],
            Status.DECLINED: [(Status.PENDING, Status.DECLINED, responded)],
            Status.WITHDRAWN: [(Status.PENDING, Status.WITHDRAWN, decided)],
            Status.EXPIRED: [(Status.PENDING, Status.EXPIRED, decided)],
            Status.REJECTED: [accepted, (Status.ACCEPTED, Status.REJECTED, decided)],
            Status.MATCHED: [accepted, (Status.ACCEPTED, Status.MATCHED, decided)],
        }
        steps = moves.get(status, [])
        Transition.objects.bulk_create(
            Transition(request=request, from_status=a, to_status=b, at=at or created) for a, b, at in steps
        )
        if status in MentorshipRequest.OPEN_STATUSES:
            self.open_pairs.add((mentee_id, mentor_id))
        self.busy_mentees.add(mentee_id)
        self.counts.requests[status] += 1
        return request

    def _message(self, mentee: MenteeProfile) -> str:
        targets = [s.name for s in mentee.target_specialties.all()]
        field_name = targets[0].lower() if targets else "medicine"
        return self.rng.choice(MESSAGES).format(field=field_name)

    # --- Mentorships ---------------------------------------------------------------------------

    def _mentorship(self, request: MentorshipRequest, *, started: datetime.datetime) -> Mentorship:
        mentorship = Mentorship.objects.create(
            program=self.program,
            mentee_id=request.mentee_id,
            mentor_id=request.mentor_id,
            request=request,
            kind=request.kind,
            task=request.task,
            due_date=request.due_date,
            started_at=started,
        )
        self.active_load[request.mentor_id] += 1
        self.counts.mentorships["active"] += 1
        self.agreement(mentorship)
        return mentorship

    def live_story(self, mentorship: Mentorship) -> None:
        """Most go well; some stall (missed check-ins, a low rating), some end, early or complete."""
        age = (self.now - mentorship.started_at).days
        roll = self.rng.random()
        if age > 100 and roll < 0.35:
            ended = self.now - self.rng.uniform(5, 40) * DAY
            self.goals(mentorship, done=3)
            self.checkins(mentorship, story="good")
            self.meetings(mentorship, story="good", until=ended)
            self.messages(mentorship, story="good", until=ended)
            self.end(mentorship, status=Mentorship.Status.COMPLETED, when=ended)
        elif age > 60 and roll < 0.5:
            ended = self.now - self.rng.uniform(3, 20) * DAY
            self.goals(mentorship, done=0)
            self.checkins(mentorship, story="stalled")
            self.meetings(mentorship, story="stalled", until=ended)
            self.end(mentorship, status=Mentorship.Status.ENDED, when=ended)
        elif roll < 0.68:
            self.goals(mentorship, done=1)
            self.checkins(mentorship, story="at_risk")
            self.meetings(mentorship, story="at_risk")
            self.messages(mentorship, story="at_risk")
        else:
            self.goals(mentorship, done=self.rng.randint(0, 2))
            self.checkins(mentorship, story="good")
            self.meetings(mentorship, story="good")
            self.messages(mentorship, story="good")

    def goals(self, mentorship: Mentorship, *, done: int, texts: tuple[str, ...] = ()) -> None:
        texts = texts or tuple(self.rng.sample(GOALS, 3))
        created = Goal.objects.bulk_create(
            Goal(mentorship=mentorship, text=text, created_by_id=mentorship.mentee_id) for text in texts
        )
        finished = [goal.pk for goal in created[:done]]
        Goal.objects.filter(pk__in=[goal.pk for goal in created]).update(created_at=mentorship.started_at + DAY)
        Goal.objects.filter(pk__in=finished).update(done=True, completed_at=mentorship.started_at + 30 * DAY)

    def checkins(self, mentorship: Mentorship, *, story: str) -> None:
        """Check-ins every cadence since the start: answered, missed, or one open now."""
        cadence = self.program.checkin_cadence_days
        start = timezone.localdate(mentorship.started_at)
        periods = []
        period = 1
        while start + period * cadence * DAY <= self.today:
            periods.append(period)
            period += 1
        for index, period in enumerate(periods):
            due = start + period * cadence * DAY
            last = index == len(periods) - 1
            if story == "due_now":
                status = CheckIn.Status.OPEN if last else CheckIn.Status.COMPLETED
            elif story == "stalled":
                status = CheckIn.Status.COMPLETED if period == 1 else CheckIn.Status.MISSED
            elif story == "at_risk":
                status = CheckIn.Status.MISSED if last else CheckIn.Status.COMPLETED
            else:
                status = CheckIn.Status.OPEN if last and (self.today - due).days < 7 else CheckIn.Status.COMPLETED
            low = story == "at_risk" and index == len(periods) - 2
            due_at = datetime.datetime.combine(due, datetime.time(9), tzinfo=datetime.UTC)
            checkin = CheckIn.objects.create(
                mentorship=mentorship,
                period=period,
                due_on=due,
                status=status,
                created_at=due_at,
                closed_at=due_at + 7 * DAY if status != CheckIn.Status.OPEN else None,
            )
            self.counts.checkins[status] += 1
            if status == CheckIn.Status.COMPLETED:
                CheckInResponse.objects.bulk_create(
                    CheckInResponse(
                        checkin=checkin,
                        user_id=person,
                        met=not low,
                        rating=2 if low else self.rng.choice((4, 4, 5, 5, 3)),
                        progress="" if low else self.rng.choice(PROGRESS),
                        concern="We haven't managed to meet this month." if low and person == mentorship.mentee_id
                        else "",
                        answered_at=due_at + self.rng.uniform(0.1, 3) * DAY,
                    )
                    for person in (mentorship.mentee_id, mentorship.mentor_id)
                )  # fmt: skip
        if story == "at_risk" and periods:
            # A missed check-in after a low rating: what the follow-up marks at risk.
            Mentorship.objects.filter(pk=mentorship.pk).update(at_risk=True)

    def meetings(self, mentorship: Mentorship, *, story: str, until: datetime.datetime | None = None) -> None:
        """Meetings about every three weeks, held and logged by both; the next one booked if still live.

        A mentorship at risk went quiet six weeks ago; a stalled one met once.
        """
        end = until or self.now
        quiet = {"at_risk": 42, "stalled": 10**4}.get(story, 0)
        start = mentorship.started_at + 5 * DAY
        held: list[Meeting] = []
        when = start
        while when < end - quiet * DAY and (story != "stalled" or not held):
            held.append(self._meeting(mentorship, when, Meeting.Status.HELD))
            when += self.rng.uniform(17, 24) * DAY
        MeetingLog.objects.bulk_create(
            MeetingLog(meeting=meeting, user_id=person, held=True, logged_at=meeting.start + DAY / 8)
            for meeting in held
            for person in (mentorship.mentee_id, mentorship.mentor_id)
        )
        self.counts.meetings += len(held)
        if until is None and story in ("good", "due_now"):
            self._meeting(mentorship, self.now + self.rng.uniform(2, 9) * DAY, Meeting.Status.ACCEPTED)
            self.counts.meetings += 1
        if story == "due_now":  # the demo pair: one more waiting for the mentor's answer
            self._meeting(mentorship, self.now + 16 * DAY, Meeting.Status.PROPOSED)
            self.counts.meetings += 1

    def _meeting(self, mentorship: Mentorship, when: datetime.datetime, status: str) -> Meeting:
        # At 6 pm in the mentee's own zone, on the hour.
        mentee_zone = zoneinfo.ZoneInfo(mentorship.mentee.timezone or "UTC")
        local = when.astimezone(mentee_zone).replace(hour=18, minute=0, second=0, microsecond=0)
        return Meeting.objects.create(
            mentorship=mentorship,
            proposed_by_id=mentorship.mentee_id,
            organizer_id=mentorship.mentee_id,
            start=local.astimezone(datetime.UTC),
            duration_minutes=self.rng.choice((30, 45, 60)),
            mode=Meeting.Mode.VIDEO,
            location="https://meet.example.org/" + str(mentorship.pk),
            agenda=self.rng.choice(AGENDAS),
            status=status,
            responded_by_id=mentorship.mentor_id if status != Meeting.Status.PROPOSED else None,
            created_at=min(when, self.now) - 3 * DAY,
            updated_at=min(when, self.now) - 2 * DAY,
        )

    def messages(self, mentorship: Mentorship, *, story: str, until: datetime.datetime | None = None) -> None:
        """A conversation: a few messages, the last one recent unless it went quiet."""
        end = (until or self.now) - (45 if story == "at_risk" else self.rng.uniform(0.5, 6)) * DAY
        if end <= mentorship.started_at:
            return
        conversation = Conversation.objects.create(mentorship=mentorship, created_at=mentorship.started_at)
        lines = CHAT[: self.rng.randint(3, len(CHAT))] if story != "due_now" else CHAT
        span = (end - mentorship.started_at) / len(lines)
        Message.objects.bulk_create(
            Message(
                conversation=conversation,
                sender_id=mentorship.mentee_id if side == "mentee" else mentorship.mentor_id,
                body=body,
                created_at=mentorship.started_at + span * (index + 1),
            )
            for index, (side, body) in enumerate(lines)
        )
        self.counts.messages += len(lines)

    def agreement(self, mentorship: Mentorship, *, goals: str = "") -> None:
        """Both sides confirmed the mentoring agreement within days of the start."""
        policy = MentoringPolicy.for_program(self.program)
        Agreement.objects.update_or_create(
            mentorship=mentorship,
            defaults={
                "frequency": policy.frequency,
                "channel": policy.channel,
                "goals": goals or policy.goals,
                "confidentiality": policy.confidentiality,
                "planned_end": timezone.localdate(mentorship.started_at) + policy.planned_weeks * 7 * DAY,
                "mentee_confirmed_at": mentorship.started_at + 2 * DAY,
                "mentor_confirmed_at": mentorship.started_at + 3 * DAY,
                "updated_at": mentorship.started_at + DAY,
                "updated_by_id": mentorship.mentor_id,
            },
        )

    def end(self, mentorship: Mentorship, *, status: str, when: datetime.datetime) -> None:
        completed = status == Mentorship.Status.COMPLETED
        # As end_mentorship does: a check-in still open when it ended closes with it.
        CheckIn.objects.filter(mentorship=mentorship, status=CheckIn.Status.OPEN).update(
            status=CheckIn.Status.CLOSED, closed_at=when
        )
        CheckIn.objects.filter(mentorship=mentorship, created_at__gt=when).delete()
        if not completed:  # ended early with the last check-in still waiting for answers
            last = CheckIn.objects.filter(mentorship=mentorship).order_by("-due_on").first()
            if last is not None and last.status != CheckIn.Status.CLOSED:
                last.responses.all().delete()
                CheckIn.objects.filter(pk=last.pk).update(status=CheckIn.Status.CLOSED, closed_at=when)
        Mentorship.objects.filter(pk=mentorship.pk).update(
            status=status,
            at_risk=False,
            ended_at=when,
            ended_by_id=mentorship.mentee_id,
            end_reason=Mentorship.EndReason.GOALS_MET if completed else self.rng.choice(
                [Mentorship.EndReason.SCHEDULE, Mentorship.EndReason.UNRESPONSIVE, Mentorship.EndReason.NOT_A_FIT]
            ),
            mentee_feedback=self.rng.choice(FEEDBACK[:2]) if completed else "We could never find a time to meet.",
            mentor_feedback=self.rng.choice(FEEDBACK[2:]) if completed else "",
            mentee_rating=self.rng.choice((4, 5)) if completed else 2,
            mentor_rating=self.rng.choice((4, 5)) if completed else None,
        )  # fmt: skip
        Transition.objects.create(mentorship=mentorship, from_status="active", to_status=status, at=when,
                                  by_id=mentorship.mentee_id)  # fmt: skip
        self.active_load[mentorship.mentor_id] -= 1
        self.counts.mentorships["active"] -= 1
        self.counts.mentorships[status] += 1

    # --- A published cohort run ----------------------------------------------------------------

    def cohort_run(self, mentees: list[MenteeProfile], *, started: datetime.datetime) -> None:
        run = CohortRun.objects.create(
            program=self.program,
            created_by=self.coordinator,
            algorithm=CohortRun.Algorithm.STABLE,
            min_score=45.0,
            max_load=2,
            mentee_filter={"unmatched_only": True},
            mentor_filter={"accepting_only": True},
            status=CohortRun.Status.PUBLISHED,
            progress=100,
            progress_message="Published",
            created_at=started,
            finished_at=started + DAY / 100,
            published_at=started + DAY,
        )
        pairs = []
        for mentee in mentees:
            mentor_id = self.pick_mentor(mentee, needs_room=True)
            if mentor_id is None:
                continue
            score = round(self.rng.uniform(52, 88), 1)
            specialty = self.mentor_profile[mentor_id].specialty
            reasons = [f"Same specialty: {specialty.name}"] if specialty else []
            pairs.append(CohortPair(run=run, mentee_id=mentee.user_id, mentor_id=mentor_id, score=score,
                                    reasons=reasons))  # fmt: skip
            request = self._request_row(
                mentee.user_id, mentor_id, status=Status.MATCHED, created=started + DAY, responded=started + DAY,
                decided=started + DAY, cohort_run=run,
                message=f"Matched by {self.coordinator.display_name} (program coordinator) in cohort match #{run.pk}.",
            )  # fmt: skip
            self.live_story(self._mentorship(request, started=started + DAY))
        CohortPair.objects.bulk_create(pairs)
        scores = [pair.score for pair in pairs]
        run.report = {
            "mentees": len(mentees),
            "mentors": len(self.mentors),
            "places": sum(profile.capacity for profile in self.mentors),
            "matched": len(pairs),
            "unmatched": [],
            "mean_score": round(sum(scores) / len(scores), 1) if scores else None,
            "lowest_score": min(scores) if scores else None,
            "blocking_pairs": 0,
            "published": {"as": "mentorships", "created": len(pairs), "skipped": []},
        }
        run.save(update_fields=["report"])
        self.counts.cohort_runs += 1

    # --- Notifications of the past, already delivered ----------------------------------------

    def _notify(self, user: User, kind: str, subject: str, link: str, *, days_ago: float, read: bool) -> None:
        at = self.now - days_ago * DAY
        Notification.objects.create(
            recipient=user,
            kind=kind,
            subject=subject,
            body_text=subject + ".",
            body_html=f"<p>{subject}.</p>",
            link=link,
            created_at=at,
            read_at=at + DAY / 4 if read else None,
            email_status=Notification.EmailStatus.SENT,
            sent_at=at,
        )
