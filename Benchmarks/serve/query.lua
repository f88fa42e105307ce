-- wrk script for `credence serve`: POST /api/query on alarm with changing evidence.
-- Each wrk thread uses its own session (CREDENCE_SESSIONS, comma-separated ids); the token
-- comes from CREDENCE_TOKEN. Every request observes a random state of one of alarm's root
-- causes and of one of its monitored vitals (every such pair has positive probability), and
-- asks for the posteriors of three diagnoses.
-- Usage: CREDENCE_TOKEN=… CREDENCE_SESSIONS=a,b wrk -t2 -c64 -d30s -s query.lua http://127.0.0.1:PORT/api/query

local roots = {
  {"HYPOVOLEMIA", {"TRUE", "FALSE"}}, {"LVFAILURE", {"TRUE", "FALSE"}}, {"ANAPHYLAXIS", {"TRUE", "FALSE"}},
  {"INSUFFANESTH", {"TRUE", "FALSE"}}, {"PULMEMBOLUS", {"TRUE", "FALSE"}}, {"KINKEDTUBE", {"TRUE", "FALSE"}},
  {"DISCONNECT", {"TRUE", "FALSE"}}, {"INTUBATION", {"NORMAL", "ESOPHAGEAL", "ONESIDED"}},
}
local vitals = {
  {"HR", {"LOW", "NORMAL", "HIGH"}}, {"BP", {"LOW", "NORMAL", "HIGH"}}, {"SAO2", {"LOW", "NORMAL", "HIGH"}},
  {"CVP", {"LOW", "NORMAL", "HIGH"}}, {"EXPCO2", {"ZERO", "LOW", "NORMAL", "HIGH"}}, {"HRBP", {"LOW", "NORMAL", "HIGH"}},
}

local counter = 0
local threads = {}

function setup(thread)
  local ids = {}
  for id in string.gmatch(os.getenv("CREDENCE_SESSIONS") or "", "[^,]+") do ids[#ids + 1] = id end
  thread:set("session", ids[(counter % #ids) + 1])
  counter = counter + 1
  threads[#threads + 1] = thread
end

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("CREDENCE_TOKEN")
  wrk.headers["X-Credence-Session"] = session
  math.randomseed(os.time() + (#(session or "") * 7919))
end

local function pick(list)
  local v = list[math.random(#list)]
  return v[1], v[2][math.random(#v[2])]
end

function request()
  local a, sa = pick(roots)
  local b, sb = pick(vitals)
  local body = string.format('{"targets":["HYPOVOLEMIA","LVFAILURE","PULMEMBOLUS"],"evidence":{"%s":"%s","%s":"%s"}}', a, sa, b, sb)
  return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout
  io.write(string.format('RESULT {"requests": %d, "seconds": %.3f, "requests_per_second": %.1f, "p50_ms": %.3f, "p90_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f, "errors": %d, "non_2xx": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    errors, summary.errors.status))
end
