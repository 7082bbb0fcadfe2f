"""Progress pages, by job: `reporting` (the meeting's progress, the quarterly table, a
commitment's timeline, review, evidence), `monitoring` (dashboard, charts, a region's page,
overdue list, local holidays), `imports` (bulk import and export of updates), `review_many`
(verify or send back many updates at once)."""
