-- wrk: Observation?patient=X&code=Y for random (patient, code) pairs a patient has.
local pairs_list = {}
for line in io.lines(os.getenv("PAIRS_FILE")) do
  local patient, code = line:match("(%S+) (%S+)")
  pairs_list[#pairs_list + 1] = "/fhir/Observation?patient=Patient/" .. patient .. "&code=" .. code
end
math.randomseed(os.time())
request = function()
  return wrk.format("GET", pairs_list[math.random(#pairs_list)])
end
