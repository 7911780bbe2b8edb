-- Drives one Tidings phase from wrk: each request signs in as a random bench user.
-- Arguments after "--": tokens file (a token first on each line), method, path.
local tokens = {}
local method, path
local counter = 0

function init(args)
  for line in io.lines(args[1]) do
    local token = line:match("^(%S+)")
    if token then tokens[#tokens + 1] = token end
  end
  method, path = args[2], args[3]
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function request()
  counter = counter + 1
  local headers = { Authorization = "Bearer " .. tokens[math.random(#tokens)] }
  local body = nil
  if method == "POST" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    body = "status=wrk+post+" .. counter
  end
  return wrk.format(method, path, headers, body)
end
