package sqlstore

// Achievements are computed on read and stored by a periodic award pass,
// never by a read. A write that may earn one (focus time added, a task
// completed, the goal or time zone changed) marks its user in
// achievement_checks, in its own transaction; AwardAchievements evaluates
// the marked users and stores what they newly earned, with the unlock
// instant the reads showed (internal/insights computes it from the figures
// alone). Once stored, an achievement keeps its first unlocked_at even if
// the data behind it is deleted later.

import (
	"context"
	"database/sql"
	"time"

	"github.com/focusflow/focusflow"
	"github.com/focusflow/focusflow/internal/insights"
	"github.com/focusflow/focusflow/internal/localdate"
)

// Achievements returns the user's achievements: the stored ones, and those
// the figures reach now with the instant the award pass will store. It
// writes nothing.
func (db *DB) Achievements(ctx context.Context, user *focusflow.User) ([]focusflow.Achievement, error) {
	f, err := db.achievementFacts(ctx, user, db.now())
	if err != nil {
		return nil, err
	}
	return insights.Achievements(f), nil
}

// achievementFacts reads the stored unlocks, then what the locked
// achievements need: two round trips, the second only while something is
// locked.
func (db *DB) achievementFacts(ctx context.Context, user *focusflow.User, now time.Time) (insights.Facts, error) {
	f := insights.Facts{Now: now, Loc: user.Location(), Goal: user.DailyGoal}
	b := db.batch()
	queueStored(b, user.ID, &f.Stored)
	if err := b.Run(ctx); err != nil {
		return f, err
	}
	needs := insights.NeedsOf(f.Stored)
	if needs == (insights.Needs{}) {
		return f, nil
	}
	b = db.batch()
	queueFacts(b, user.ID, &f, needs)
	return f, b.Run(ctx)
}

// Summary returns the all-time summary. Like the stats, its totals and
// streaks count the running timer's time so far; achievements judge
// recorded time only. The history is read with the stored unlocks in one
// round trip; deep work and punctuality, in a second, only while locked.
func (db *DB) Summary(ctx context.Context, user *focusflow.User) (*focusflow.Summary, error) {
	now := db.now()
	f := insights.Facts{Now: now, Loc: user.Location(), Goal: user.DailyGoal}
	b := db.batch()
	queueStored(b, user.ID, &f.Stored)
	queueFacts(b, user.ID, &f, insights.Needs{History: true})
	entry := queueRunning(b, user.ID)
	if err := b.Run(ctx); err != nil {
		return nil, err
	}
	if needs := insights.NeedsOf(f.Stored); needs.DeepWork || needs.Plan {
		b = db.batch()
		queueFacts(b, user.ID, &f, insights.Needs{DeepWork: needs.DeepWork, Plan: needs.Plan})
		if err := b.Run(ctx); err != nil {
			return nil, err
		}
	}
	live := insights.LiveOf(entry(), now, db.focusSettings(user))
	return insights.Summarise(f.History, live, insights.Achievements(f), now, f.Loc, f.Goal), nil
}

// queueStored queues the read of the user's stored achievements.
func queueStored(b *readBatch, userID int64, dst *map[string]time.Time) {
	*dst = map[string]time.Time{}
	b.Query(`SELECT achievement_id, unlocked_at FROM achievements WHERE user_id = $1`, []any{userID},
		func(row rowScanner) error {
			var id string
			var at int64
			err := row.Scan(&id, &at)
			(*dst)[id] = fromMS(at)
			return err
		})
}

// queueFacts queues the reads of the facts needs names.
func queueFacts(b *readBatch, userID int64, f *insights.Facts, needs insights.Needs) {
	today := localdate.Today(f.Now, f.Loc)
	if needs.History {
		b.Query(`SELECT date, focus_ms, manual_ms, total, completed FROM daily_stats
			WHERE user_id = $1 ORDER BY date`, []any{userID}, func(row rowScanner) error {
			s, err := scanDayStats(row)
			f.History = append(f.History, s)
			return err
		})
		// What dates the thresholds crossed on days that have not ended.
		b.Query(`SELECT date, COALESCE(completed_at, updated_at) FROM tasks
			WHERE user_id = $1 AND date >= $2 AND status = 'completed'`, []any{userID, today}, func(row rowScanner) error {
			var c insights.Completion
			var at int64
			err := row.Scan(&c.Date, &at)
			c.At = fromMS(at)
			f.Completions = append(f.Completions, c)
			return err
		})
		// No entry is longer than a manual one may be, so one that ends
		// today started after this bound (the index on user and start).
		dayStart := localdate.DayStart(today, f.Loc)
		b.Query(`SELECT started_at, ended_at FROM time_entries WHERE user_id = $1 AND started_at >= $2 AND ended_at > $3`,
			[]any{userID, dayStart.Add(-focusflow.MaxManualEntry).UnixMilli(), dayStart.UnixMilli()}, func(row rowScanner) error {
				var start, end int64
				err := row.Scan(&start, &end)
				f.Entries = append(f.Entries, insights.Span{Start: fromMS(start), End: fromMS(end)})
				return err
			})
	}
	if needs.DeepWork {
		// The plan window only, so the cost does not grow with history.
		// Entries are read in start order and the scan stops at the tenth:
		// one user's entries never overlap, so that is also end order.
		from, _ := insights.PlanWindow(today)
		b.Query(`SELECT ended_at FROM time_entries WHERE user_id = $1 AND started_at >= $2
			AND source = 'timer' AND ended_at IS NOT NULL AND ended_at - started_at >= $3 ORDER BY started_at LIMIT 10`,
			[]any{userID, localdate.DayStart(from, f.Loc).UnixMilli(), focusflow.DeepWorkMin.Milliseconds()},
			func(row rowScanner) error {
				var end int64
				err := row.Scan(&end)
				f.DeepWork = append(f.DeepWork, fromMS(end))
				return err
			})
	}
	if needs.Plan {
		queuePlanned(b, userID, today, &f.Planned)
	}
	if needs.Sessions {
		queueSessionFacts(b, userID, f)
	}
}

// queueSessionFacts reads the first session facts, as many as the
// achievements count (the index on user and start keeps each short).
func queueSessionFacts(b *readBatch, userID int64, f *insights.Facts) {
	instants := func(dst *[]time.Time) func(rowScanner) error {
		return func(row rowScanner) error {
			var at int64
			err := row.Scan(&at)
			*dst = append(*dst, fromMS(at))
			return err
		}
	}
	b.Query(`SELECT ended_at FROM timer_phases WHERE user_id = $1 AND kind = 'focus' AND outcome = 'completed'
		ORDER BY started_at LIMIT $2`, []any{userID, insights.MaxPhasesDone}, instants(&f.PhasesDone))
	b.Query(`SELECT ended_at FROM timer_phases WHERE user_id = $1 AND kind IN ('short_break', 'long_break')
		ORDER BY started_at LIMIT $2`, []any{userID, insights.MaxBreaks}, instants(&f.Breaks))
	b.Query(`SELECT started_at FROM timer_phases WHERE user_id = $1 AND kind = 'long_break'
		ORDER BY started_at LIMIT $2`, []any{userID, insights.MaxCycles}, instants(&f.Cycles))
}

// AwardAchievements stores the achievements newly earned by the users
// whose figures changed since their last pass, and returns how many it
// stored. Every instance may run it at once: an insert keeps the first
// unlocked_at, and a user's mark is cleared only if no write renewed it
// while the pass evaluated.
func (db *DB) AwardAchievements(ctx context.Context) (int, error) {
	type due struct{ userID, changes int64 }
	awarded := 0
	var after int64
	for {
		var page []due
		b := db.batch()
		b.Query(`SELECT user_id, changes FROM achievement_checks WHERE user_id > $1 AND due_at <= $2
			ORDER BY user_id LIMIT 100`, []any{after, db.ms()}, func(row rowScanner) error {
			var d due
			err := row.Scan(&d.userID, &d.changes)
			page = append(page, d)
			return err
		})
		if err := b.Run(ctx); err != nil || len(page) == 0 {
			return awarded, err
		}
		for _, d := range page {
			n, err := db.award(ctx, d.userID, d.changes)
			if err != nil {
				return awarded, err
			}
			awarded += n
			after = d.userID
		}
	}
}

// award evaluates one marked user and stores what they newly earned.
// changes is the mark as read: a write since has renewed it, and then the
// mark stays for the next pass.
func (db *DB) award(ctx context.Context, userID, changes int64) (int, error) {
	user, err := db.User(ctx, userID)
	if focusflow.ErrorCode(err) == focusflow.ENOTFOUND {
		return 0, nil // deleted since: its mark went with it
	} else if err != nil {
		return 0, err
	}
	now := db.now()
	f, err := db.achievementFacts(ctx, user, now)
	if err != nil {
		return 0, err
	}
	earned := insights.Earned(insights.Achievements(f), f.Stored)
	next := insights.NextCheck(f.History, now, f.Loc)
	stored := 0
	err = db.tx(ctx, func(tx *sql.Tx) error {
		for _, a := range earned {
			res, err := tx.ExecContext(ctx, `INSERT INTO achievements (user_id, achievement_id, unlocked_at)
				VALUES ($1, $2, $3) ON CONFLICT (user_id, achievement_id) DO NOTHING`, userID, a.ID, a.UnlockedAt.UnixMilli())
			if err != nil {
				return wrapDBError(err)
			}
			if n, err := res.RowsAffected(); err == nil {
				stored += int(n)
			}
		}
		var err error
		if next.IsZero() {
			_, err = tx.ExecContext(ctx, `DELETE FROM achievement_checks WHERE user_id = $1 AND changes = $2`, userID, changes)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE achievement_checks SET due_at = $3 WHERE user_id = $1 AND changes = $2`,
				userID, changes, next.UnixMilli())
		}
		return wrapDBError(err)
	})
	if err != nil {
		return 0, err
	}
	return stored, nil
}

// markAchievementsDue marks a user for the next award pass, inside the
// transaction of a write that may have earned them something.
func markAchievementsDue(ctx context.Context, tx execer, userID int64) error {
	return tx.Exec(ctx, `INSERT INTO achievement_checks (user_id, due_at, changes) VALUES ($1, 0, 1)
		ON CONFLICT (user_id) DO UPDATE SET due_at = 0, changes = achievement_checks.changes + 1`, userID)
}
