-- Driven by tests/editors/test_nvim.py inside real headless Neovim: complete, accept, code action, health.
local out = {}
local function lines() return table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n") end
local function finish()
  local f = io.open(vim.env.DIFFUSION_E2E_OUT, "w")
  f:write(vim.json.encode(out))
  f:close()
  vim.cmd("qa!")
end

local ok, err = pcall(function()
  vim.opt.runtimepath:append(vim.env.DIFFUSION_PLUGIN)
  vim.cmd("filetype on")
  local plugin = require("diffusion_lsp")
  local ghost = require("diffusion_lsp.ghost")
  plugin.setup({ cmd = vim.json.decode(vim.env.DIFFUSION_E2E_CMD), settings = { steps = 4, maxTokens = 16, ghostMinConfidence = 0.3 }, auto_trigger = false })
  vim.cmd("edit " .. vim.env.DIFFUSION_E2E_FILE)
  out.attached = vim.wait(30000, function()
    local c = plugin.client()
    return c ~= nil and c.server_capabilities ~= nil
  end, 50)

  -- Ghost text between the parentheses of `    total = add()`, then accept it.
  vim.api.nvim_win_set_cursor(0, { 7, 16 })
  out.before = lines()
  plugin.complete()
  vim.wait(30000, function() return plugin.ghost_text() ~= nil end, 50)
  out.ghost = plugin.ghost_text()
  out.accepted = ghost.accept()
  out.after_accept = lines()
  out.cursor = vim.api.nvim_win_get_cursor(0)

  -- Typing clears the ghost; a response for an older buffer state is dropped.
  vim.cmd("undo")
  vim.api.nvim_win_set_cursor(0, { 7, 16 })
  plugin.complete()
  vim.wait(30000, function() return plugin.ghost_text() ~= nil end, 50)
  vim.api.nvim_exec_autocmds("TextChangedI", { buffer = 0 })
  out.cleared_on_typing = plugin.ghost_text() == nil
  plugin.complete()
  vim.api.nvim_buf_set_lines(0, 9, 9, false, { "# typed while the model worked" })
  vim.wait(1500, function() return plugin.ghost_text() ~= nil end, 50)
  out.stale_shown = plugin.ghost_text() ~= nil
  vim.api.nvim_buf_set_lines(0, 9, 10, false, {})

  -- "Implement function body" on the stub.
  out.before_action = lines()
  vim.api.nvim_win_set_cursor(0, { 3, 5 })
  out.implemented = plugin.code_action("Implement function body")
  out.after_action = lines()

  -- Next edit: rename a parameter of `add`, ask, see the proposal at its line, jump to it and apply it.
  vim.cmd("undo")
  local text = lines()
  vim.api.nvim_buf_set_lines(0, 2, 3, false, { "    return a + b" })
  vim.wait(1500, function() return false end, 50)  -- a pause: the rename is an edit of its own
  vim.api.nvim_buf_set_lines(0, 0, 1, false, { "def add(first, b):" })
  out.before_next_edit = lines()
  local next_edit = require("diffusion_lsp.next_edit")
  out.next_edits = next_edit.request(plugin.client(), 0, 60000)
  local marks = vim.api.nvim_buf_get_extmarks(0, next_edit.namespace, 0, -1, { details = true })
  out.next_edit_marks = {}
  for _, mark in ipairs(marks) do out.next_edit_marks[#out.next_edit_marks + 1] = { mark[2], mark[4].virt_text[1][1] } end
  out.next_edit_applied = plugin.next_edit()
  out.after_next_edit = lines()
  out.next_edit_cursor = vim.api.nvim_win_get_cursor(0)

  -- The settings as the server understood them (ghostMinConfidence passed through setup()).
  local stats = plugin.client().request_sync("workspace/executeCommand",
    { command = "diffusion.stats", arguments = {} }, 10000, 0)
  out.server_settings = stats and stats.result and stats.result.settings or vim.NIL

  vim.cmd("checkhealth diffusion_lsp")
  out.health = lines()
end)
out.error = ok and vim.NIL or tostring(err)
finish()
