-- wrk: single-resource writes, alternating POST /fhir/Observation (create) and
-- PUT /fhir/Observation/<new id> (update-as-create), each an Observation of a
-- few elements with a fresh value.
local counter = 0
local threads = 0
function setup(thread)  -- each wrk thread gets its own tag for its PUT ids
  threads = threads + 1
  thread:set("tag", string.format("%d-%d", os.time(), threads))
end
local function observation(id)
  local idpart = id and string.format('"id":"%s",', id) or ""
  return string.format(
    '{"resourceType":"Observation",%s"status":"final","code":{"coding":' ..
    '[{"system":"http://loinc.org","code":"8867-4"}]},"subject":{"reference":"Patient/bench"},' ..
    '"effectiveDateTime":"2024-01-01T10:00:00Z","valueQuantity":{"value":%d,"unit":"/min",' ..
    '"system":"http://unitsofmeasure.org","code":"/min"}}', idpart, 50 + counter % 100)
end
request = function()
  counter = counter + 1
  local headers = {["Content-Type"] = "application/fhir+json", ["Prefer"] = "return=minimal"}
  if counter % 2 == 0 then
    local id = string.format("w%s-%d", tag, counter)
    return wrk.format("PUT", "/fhir/Observation/" .. id, headers, observation(id))
  end
  return wrk.format("POST", "/fhir/Observation", headers, observation(nil))
end
