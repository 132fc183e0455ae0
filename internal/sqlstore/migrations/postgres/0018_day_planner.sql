-- What a day view asks first: whether the user has any tag (1) and any
-- repeating task covering the date (2), so that the common day (neither)
-- reads no tags and no series. A PL/pgSQL function keeps its plans per
-- server connection, also through a transaction-mode pooler, where the
-- same subqueries in the view's statement were planned on every view.
-- The version in the name lets a later release change it while this one
-- still runs beside it.
CREATE FUNCTION focusflow_day_planner_v1(owner BIGINT, day TEXT) RETURNS INTEGER
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (CASE WHEN EXISTS (SELECT 1 FROM tags WHERE user_id = owner) THEN 1 ELSE 0 END)
        + (CASE WHEN EXISTS (SELECT 1 FROM task_series
                             WHERE user_id = owner AND start_date <= day AND end_date >= day) THEN 2 ELSE 0 END);
END
$$;
