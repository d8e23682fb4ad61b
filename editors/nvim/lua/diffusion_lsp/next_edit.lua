-- Next edits: after a pause in editing, ask the server where the latest edit belongs too
-- (`textDocument/copilotInlineEdit`), show each proposal as virtual text at its line, and jump to it and apply it
-- with one key.
local M = {}

local ns = vim.api.nvim_create_namespace("diffusion_lsp_next_edit")
-- bufnr -> { edits = { {range, text} ... }, encoding = string, tick = changedtick }
local proposals = {}

M.namespace = ns

function M.clear(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  vim.api.nvim_buf_clear_namespace(bufnr, ns, 0, -1)
  proposals[bufnr] = nil
end

--- Drop the proposals once the buffer changed since they were made.
function M.clear_if_changed(bufnr)
  local shown = proposals[bufnr]
  if shown and shown.tick ~= vim.api.nvim_buf_get_changedtick(bufnr) then M.clear(bufnr) end
end

local function show(bufnr, edits, encoding)
  M.clear(bufnr)
  if #edits == 0 then return false end
  for _, edit in ipairs(edits) do
    local row = edit.range.start.line
    local line = vim.api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1] or ""
    local first = vim.lsp.util._get_line_byte_from_position(bufnr, edit.range.start, encoding)
    local last = vim.lsp.util._get_line_byte_from_position(bufnr, edit.range["end"], encoding)
    local old = line:sub(first + 1, last)
    vim.api.nvim_buf_set_extmark(bufnr, ns, row, 0, {
      virt_text = { { "  next edit: " .. old .. " → " .. edit.text, "DiagnosticHint" } }, virt_text_pos = "eol" })
  end
  proposals[bufnr] = { edits = edits, encoding = encoding, tick = vim.api.nvim_buf_get_changedtick(bufnr) }
  return true
end

--- Ask for next edits now; shows them and returns how many were proposed (sync: `wait_ms` at most).
function M.request(client, bufnr, wait_ms)
  if not bufnr or bufnr == 0 then bufnr = vim.api.nvim_get_current_buf() end
  local cursor = vim.api.nvim_win_get_cursor(0)
  local line = vim.api.nvim_buf_get_lines(bufnr, cursor[1] - 1, cursor[1], false)[1] or ""
  local character = client.offset_encoding == "utf-8" and cursor[2] or vim.str_utfindex(line, cursor[2])
  local params = { textDocument = { uri = vim.uri_from_bufnr(bufnr), version = vim.lsp.util.buf_versions[bufnr] },
                   position = { line = cursor[1] - 1, character = character } }
  local response = client.request_sync("textDocument/copilotInlineEdit", params, wait_ms or 60000, bufnr)
  local edits = response and response.result and response.result.edits or {}
  show(bufnr, edits, client.offset_encoding)
  return #edits
end

--- The proposals shown now ({} when none), as LSP edits.
function M.current(bufnr)
  local shown = proposals[bufnr or vim.api.nvim_get_current_buf()]
  return shown and shown.edits or {}
end

--- Jump to the first proposal and apply every one of them; false when none is shown or the buffer changed since.
function M.apply(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local shown = proposals[bufnr]
  if not shown or shown.tick ~= vim.api.nvim_buf_get_changedtick(bufnr) then
    M.clear(bufnr)
    return false
  end
  local target = shown.edits[1].range.start
  local text_edits = {}
  for _, edit in ipairs(shown.edits) do text_edits[#text_edits + 1] = { range = edit.range, newText = edit.text } end
  M.clear(bufnr)
  vim.lsp.util.apply_text_edits(text_edits, bufnr, shown.encoding)
  local line = vim.api.nvim_buf_get_lines(bufnr, target.line, target.line + 1, false)[1] or ""
  vim.api.nvim_win_set_cursor(0, { target.line + 1, vim.lsp.util._get_line_byte_from_position(bufnr, target, shown.encoding) })
  return line ~= nil
end

return M
