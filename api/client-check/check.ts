// Drives FocusFlow's main flow through a client generated from
// api/openapi.json (openapi-typescript types + openapi-fetch), against a
// running server, with a personal access token. Compiling it with tsc
// checks the document's types against the calls; running it checks the
// server answers as the document says.
//
//   FOCUSFLOW_URL=http://127.0.0.1:8080 FOCUSFLOW_TOKEN=ffpat_… node out/check.js
import createClient from "openapi-fetch";
import type { paths } from "./schema.js";

declare const process: { env: Record<string, string | undefined> };

const baseUrl = process.env.FOCUSFLOW_URL;
const token = process.env.FOCUSFLOW_TOKEN;
if (!baseUrl || !token) {
  throw new Error("set FOCUSFLOW_URL and FOCUSFLOW_TOKEN");
}
const api = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });

function check(ok: boolean, what: string, detail?: unknown): void {
  if (!ok) {
    throw new Error(`${what}: ${JSON.stringify(detail)}`);
  }
  console.log(`ok  ${what}`);
}

const me = await api.GET("/api/v1/me");
check(me.response.status === 200 && !!me.data?.username, "GET /api/v1/me", me.error);

const today = new Date().toISOString().slice(0, 10);
const created = await api.POST("/api/v1/tasks", {
  body: { date: today, title: "Client check, with ; commas \\ and 🚀", duration_minutes: 25 },
});
check(created.response.status === 201 && !!created.data, "POST /api/v1/tasks", created.error);
const taskId = created.data!.id;

const started = await api.POST("/api/v1/timer/start", { body: { task_id: taskId } });
check(started.response.status === 200 && started.data?.timer?.task_id === taskId, "POST /api/v1/timer/start", started.error);

const stopped = await api.POST("/api/v1/timer/stop", { body: { version: started.data!.timer!.version } });
check(stopped.response.status === 200, "POST /api/v1/timer/stop", stopped.error);

const entries = await api.GET("/api/v1/tasks/{id}/entries", { params: { path: { id: taskId } } });
check(entries.response.status === 200 && (entries.data?.entries?.length ?? 0) === 1, "GET /api/v1/tasks/{id}/entries", entries.data);

const stats = await api.GET("/api/v1/stats", { params: { query: { from: today, to: today } } });
check(stats.response.status === 200 && stats.data?.from === today, "GET /api/v1/stats", stats.error);

const refused = await api.POST("/api/v1/tasks", { body: { date: today, title: "" } });
check(refused.response.status === 400 && refused.error?.error.field === "title", "POST /api/v1/tasks with no title: 400 naming the field", refused.error);

console.log("client check passed");
