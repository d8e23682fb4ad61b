-- :checkhealth diffusion_lsp
local M = {}

local health = vim.health or require("health")
local start = health.start or health.report_start
local ok = health.ok or health.report_ok
local warn = health.warn or health.report_warn
local error = health.error or health.report_error

function M.check()
  start("diffusion-lsp")
  local config = require("diffusion_lsp").config
  local exe = config.cmd[1]
  if vim.fn.executable(exe) == 1 then
    ok("server command found: " .. table.concat(config.cmd, " "))
    -- The same command with `serve` swapped for `doctor` checks torch, the device, the model and the grammars.
    local doctor = {}
    for _, part in ipairs(config.cmd) do
      if part == "serve" then part = "doctor" end
      if part ~= "--stdio" then doctor[#doctor + 1] = part end
    end
    local output = vim.fn.system(doctor)
    for _, line in ipairs(vim.split(output, "\n", { trimempty = true })) do
      if line:find("MISSING") then error(line) elseif line:match("^model") or line:match("^cuda") or line:match("^torch") then ok(line) end
    end
  else
    error("server command not executable: " .. exe .. " (pip install diffusion-lsp, or set cmd in setup{})")
  end
  local client = require("diffusion_lsp").client()
  if client then ok("client running (id " .. client.id .. ", position encoding " .. (client.offset_encoding or "?") .. ")")
  else warn("no client running yet: open a file of a configured filetype") end
  if vim.lsp.inline_completion then ok("native inline completion (Neovim 0.12+)") else ok("ghost text via extmarks (Neovim < 0.12)") end
end

return M
