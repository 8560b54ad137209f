-- wrk: GET a random resource by id. IDS_FILE lists "Type/id" lines.
local ids = {}
for line in io.lines(os.getenv("IDS_FILE")) do ids[#ids + 1] = line end
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/fhir/" .. ids[math.random(#ids)])
end
