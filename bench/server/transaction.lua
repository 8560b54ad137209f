-- wrk: POST transaction Bundles of 100 entries (a Patient and 99 Observations that
-- reference it through urn:uuid), each with fresh urn:uuids.
local counter = 0
local function bundle()
  counter = counter + 1
  local tag = string.format("%d-%d-%d", os.time(), math.random(1e9), counter)
  local patient = "urn:uuid:p-" .. tag
  local entries = {string.format(
    '{"fullUrl":"%s","resource":{"resourceType":"Patient","name":[{"family":"Bench%s"}]},' ..
    '"request":{"method":"POST","url":"Patient"}}', patient, counter)}
  for i = 1, 99 do
    entries[#entries + 1] = string.format(
      '{"resource":{"resourceType":"Observation","status":"final","code":{"coding":' ..
      '[{"system":"http://loinc.org","code":"8867-4"}]},"subject":{"reference":"%s"},' ..
      '"effectiveDateTime":"2024-01-01T10:00:00Z","valueQuantity":{"value":%d,"unit":"/min",' ..
      '"system":"http://unitsofmeasure.org","code":"/min"}},"request":{"method":"POST","url":"Observation"}}',
      patient, 50 + i)
  end
  return '{"resourceType":"Bundle","type":"transaction","entry":[' .. table.concat(entries, ",") .. "]}"
end
request = function()
  return wrk.format("POST", "/fhir", {["Content-Type"] = "application/fhir+json"}, bundle())
end
