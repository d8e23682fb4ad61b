-- Ghost text for Neovim 0.7-0.11: extmarks (virt_text for the first line, virt_lines for the rest).
local M = {}

local ns = vim.api.nvim_create_namespace("diffusion_lsp_ghost")
-- bufnr -> { item = InlineCompletionItem, encoding = string, tick = changedtick, row = int, col = int }
local shown = {}
local latest_request = 0

M.namespace = ns

function M.clear(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  vim.api.nvim_buf_clear_namespace(bufnr, ns, 0, -1)
  shown[bufnr] = nil
end

-- The part of the item not yet in the buffer: the item may replace text before the cursor (indentation).
local function remaining_text(bufnr, item, row, col)
  local start = item.range and item.range.start or { line = row, character = col }
  local typed = ""
  if start.line == row then
    local line = vim.api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1] or ""
    typed = line:sub(1, col):sub(start.character + 1)
  end
  local text = item.insertText
  if type(text) == "table" then text = text.value end
  if typed ~= "" and text:sub(1, #typed) == typed then
    return text:sub(#typed + 1)
  end
  return text
end

function M.show(bufnr, item, encoding)
  M.clear(bufnr)
  local cursor = vim.api.nvim_win_get_cursor(0)
  local row, col = cursor[1] - 1, cursor[2]
  local text = remaining_text(bufnr, item, row, col)
  if text == "" then return false end
  local lines = vim.split(text, "\n", { plain = true })
  local opts = { virt_text = { { lines[1], "Comment" } }, virt_text_pos = "overlay", hl_mode = "combine" }
  local line = vim.api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1] or ""
  if col < #line then opts.virt_text_pos = "eol" end -- text after the cursor stays visible
  if #lines > 1 then
    local rest = {}
    for i = 2, #lines do rest[#rest + 1] = { { lines[i], "Comment" } } end
    opts.virt_lines = rest
  end
  vim.api.nvim_buf_set_extmark(bufnr, ns, row, math.min(col, #line), opts)
  shown[bufnr] = { item = item, encoding = encoding, tick = vim.api.nvim_buf_get_changedtick(bufnr), row = row, col = col }
  return true
end

-- The text the ghost shows now, or nil (tests and statuslines read it).
function M.current_text(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local marks = vim.api.nvim_buf_get_extmarks(bufnr, ns, 0, -1, { details = true })
  if #marks == 0 then return nil end
  local details = marks[1][4]
  local parts = { details.virt_text and details.virt_text[1][1] or "" }
  for _, chunk in ipairs(details.virt_lines or {}) do parts[#parts + 1] = chunk[1][1] end
  return table.concat(parts, "\n")
end

function M.accept(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local state = shown[bufnr]
  if not state or state.tick ~= vim.api.nvim_buf_get_changedtick(bufnr) then
    M.clear(bufnr)
    return false
  end
  local item = state.item
  local text = item.insertText
  if type(text) == "table" then text = text.value end
  local range = item.range or { start = { line = state.row, character = state.col }, ["end"] = { line = state.row, character = state.col } }
  M.clear(bufnr)
  vim.lsp.util.apply_text_edits({ { range = range, newText = text } }, bufnr, state.encoding)
  -- Put the cursor after the accepted text.
  local lines = vim.split(text, "\n", { plain = true })
  local end_row = range.start.line + #lines - 1
  local end_col = #lines[#lines]
  if #lines == 1 then
    local first = vim.api.nvim_buf_get_lines(bufnr, range.start.line, range.start.line + 1, false)[1] or ""
    local start_col = state.encoding == "utf-8" and range.start.character
      or vim.str_byteindex(first, range.start.character, state.encoding == "utf-16")
    end_col = start_col + #lines[1]
  end
  vim.api.nvim_win_set_cursor(0, { end_row + 1, end_col })
  return true
end

-- Ask the server for ghost text at the cursor; a response for an older request or buffer state is dropped.
function M.request(client, bufnr, trigger_kind)
  latest_request = latest_request + 1
  local request_id = latest_request
  local tick = vim.api.nvim_buf_get_changedtick(bufnr)
  local encoding = client.offset_encoding or "utf-16"
  local params = vim.lsp.util.make_position_params(0, encoding)
  params.context = { triggerKind = trigger_kind or 2 }
  client.request("textDocument/inlineCompletion", params, function(err, result)
    if err or request_id ~= latest_request or tick ~= vim.api.nvim_buf_get_changedtick(bufnr) then return end
    local items = result and (result.items or result) or {}
    if items[1] and vim.api.nvim_get_current_buf() == bufnr then M.show(bufnr, items[1], encoding) end
  end, bufnr)
end

return M
