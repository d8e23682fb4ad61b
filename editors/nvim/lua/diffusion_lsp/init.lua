-- diffusion-lsp for Neovim: starts `diffusion-lsp serve` with the built-in client, ghost text and code actions.
local ghost = require("diffusion_lsp.ghost")
local next_edit = require("diffusion_lsp.next_edit")

local M = {}

M.config = {
  cmd = { "diffusion-lsp", "serve" },
  filetypes = { "python", "javascript", "javascriptreact", "typescript", "typescriptreact", "rust", "go", "java", "c", "cpp" },
  settings = {},            -- passed to the server as initializationOptions (see the README's settings table)
  auto_trigger = true,      -- ask for ghost text while typing (after debounce_ms)
  debounce_ms = 150,
  keymaps = { accept = "<Tab>", trigger = "<M-\\>", dismiss = "<C-]>", next_edit = "<M-]>" },
  next_edits = true,        -- after a pause (CursorHold), show where the latest edit belongs too
}

local client_id = nil
local timer = nil

local function native_inline_completion()
  return vim.lsp.inline_completion ~= nil and vim.lsp.inline_completion.enable ~= nil
end

function M.client()
  return client_id and vim.lsp.get_client_by_id(client_id) or nil
end

local function start_client(bufnr)
  if not M.client() then
    client_id = vim.lsp.start_client({
      name = "diffusion-lsp",
      cmd = M.config.cmd,
      root_dir = vim.fn.getcwd(),
      init_options = M.config.settings,
      on_init = function(client) client.offset_encoding = client.offset_encoding or "utf-16" end,
    })
  end
  if client_id then
    vim.lsp.buf_attach_client(bufnr, client_id)
    if native_inline_completion() then vim.lsp.inline_completion.enable(true, { bufnr = bufnr }) end
  end
end

--- Request ghost text at the cursor now (0.7-0.11; 0.12+ uses the native UI).
function M.complete()
  local client = M.client()
  if client then ghost.request(client, vim.api.nvim_get_current_buf(), 1) end
end

function M.accept()
  if native_inline_completion() then return vim.lsp.inline_completion.get() end
  return ghost.accept()
end

M.dismiss = function() ghost.clear() end
M.ghost_text = ghost.current_text

--- Next edit: apply the proposals shown (jumping to the first), else ask for them now.
function M.next_edit()
  local bufnr = vim.api.nvim_get_current_buf()
  if next_edit.apply(bufnr) then return true end
  local client = M.client()
  if client then next_edit.request(client, bufnr) end
  return false
end
M.next_edits_shown = next_edit.current

local function schedule_completion(bufnr)
  if timer then timer:stop() end
  timer = vim.defer_fn(function()
    if vim.api.nvim_get_current_buf() == bufnr and vim.fn.mode() == "i" then
      local client = M.client()
      if client then ghost.request(client, bufnr, 2) end
    end
  end, M.config.debounce_ms)
end

-- Code actions by title: ask, pick, resolve, apply. `lines` = {first, last} (1-based) for a line range.
function M.code_action(title_prefix, lines)
  local client = M.client()
  if not client then return vim.notify("diffusion-lsp is not running", vim.log.levels.WARN) end
  local bufnr = vim.api.nvim_get_current_buf()
  local params = vim.lsp.util.make_range_params(0, client.offset_encoding)
  if lines then
    local last = vim.api.nvim_buf_get_lines(bufnr, lines[2] - 1, lines[2], false)[1] or ""
    local last_col = client.offset_encoding == "utf-8" and #last or vim.str_utfindex(last)
    params.range = { start = { line = lines[1] - 1, character = 0 }, ["end"] = { line = lines[2] - 1, character = last_col } }
  end
  params.context = { diagnostics = {}, only = { "refactor.rewrite" } }
  local response = client.request_sync("textDocument/codeAction", params, 10000, bufnr)
  for _, action in ipairs(response and response.result or {}) do
    if action.title:sub(1, #title_prefix) == title_prefix then
      local resolved = client.request_sync("codeAction/resolve", action, 600000, bufnr)
      if resolved and resolved.err then return vim.notify("diffusion-lsp: " .. resolved.err.message, vim.log.levels.WARN) end
      if resolved and resolved.result and resolved.result.edit then
        vim.lsp.util.apply_workspace_edit(resolved.result.edit, client.offset_encoding)
        return true
      end
      return false
    end
  end
  vim.notify("diffusion-lsp: no '" .. title_prefix .. "' action here", vim.log.levels.INFO)
  return false
end

function M.refactor(instruction, line1, line2)
  local client = M.client()
  if not client then return end
  local last = vim.api.nvim_buf_get_lines(0, line2 - 1, line2, false)[1] or ""
  local range = { start = { line = line1 - 1, character = 0 }, ["end"] = { line = line2 - 1, character = #last } }
  client.request("workspace/executeCommand",
    { command = "diffusion.refactor", arguments = { vim.uri_from_bufnr(0), range, instruction } }, function() end, 0)
end

local function define_commands()
  local cmd = vim.api.nvim_create_user_command
  cmd("DiffusionFillSelection", function(o) M.code_action("Fill selection", { o.line1, o.line2 }) end, { range = true })
  cmd("DiffusionPolish", function(o) M.code_action("Polish selection", { o.line1, o.line2 }) end, { range = true })
  cmd("DiffusionImplement", function() M.code_action("Implement function body") end, {})
  cmd("DiffusionFillHoles", function() M.code_action("Fill holes") end, {})
  cmd("DiffusionRefactor", function(o) M.refactor(o.args, o.line1, o.line2) end, { range = true, nargs = "+" })
  cmd("DiffusionComplete", function() M.complete() end, {})
  cmd("DiffusionNextEdit", function() M.next_edit() end, {})
end

local function set_keymaps(bufnr)
  local keys = M.config.keymaps
  if native_inline_completion() then return end
  if keys.accept then
    vim.keymap.set("i", keys.accept, function()
      if ghost.current_text(bufnr) and ghost.accept(bufnr) then return "" end
      return vim.api.nvim_replace_termcodes(keys.accept, true, false, true)
    end, { buffer = bufnr, expr = true, desc = "diffusion-lsp: accept ghost text" })
  end
  if keys.trigger then vim.keymap.set("i", keys.trigger, M.complete, { buffer = bufnr }) end
  if keys.dismiss then vim.keymap.set("i", keys.dismiss, M.dismiss, { buffer = bufnr }) end
end

local function set_next_edit_keymap(bufnr)
  local key = M.config.keymaps.next_edit
  if key then
    vim.keymap.set({ "n", "i" }, key, M.next_edit, { buffer = bufnr, desc = "diffusion-lsp: jump to and apply the next edit" })
  end
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend("force", M.config, opts or {})
  define_commands()
  local group = vim.api.nvim_create_augroup("diffusion_lsp", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = M.config.filetypes,
    callback = function(args)
      start_client(args.buf)
      set_keymaps(args.buf)
      set_next_edit_keymap(args.buf)
    end,
  })
  local asked = {}  -- bufnr -> the changedtick next edits were last asked at
  vim.api.nvim_create_autocmd({ "CursorHold", "CursorHoldI" }, {
    group = group,
    callback = function(args)
      local tick = vim.api.nvim_buf_get_changedtick(args.buf)
      if not M.config.next_edits or not client_id or not vim.lsp.buf_is_attached(args.buf, client_id)
          or asked[args.buf] == tick then return end
      asked[args.buf] = tick
      next_edit.request(M.client(), args.buf, 5000)
    end,
  })
  vim.api.nvim_create_autocmd({ "TextChanged", "TextChangedI" }, {
    group = group, callback = function(args) next_edit.clear_if_changed(args.buf) end })
  if not native_inline_completion() then
    vim.api.nvim_create_autocmd({ "InsertLeave", "BufLeave" }, { group = group, callback = function() ghost.clear() end })
    vim.api.nvim_create_autocmd({ "TextChangedI", "CursorMovedI" }, {
      group = group,
      callback = function(args)
        if not client_id or not vim.lsp.buf_is_attached(args.buf, client_id) then return end
        ghost.clear(args.buf)
        if M.config.auto_trigger then schedule_completion(args.buf) end
      end,
    })
  end
end

return M
