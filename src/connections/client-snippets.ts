/**
 * Ready-to-paste MCP client configurations for a new (or rotated) connection token: Claude Desktop
 * (its config file runs local commands, so it reaches a remote server through `mcp-remote` with the
 * token in an environment variable), Claude Code (`claude mcp add --transport http`) and Cursor
 * (`mcp.json` with a URL and headers). Pure text; the view escapes it.
 */

export interface ClientSnippet {
  client: string
  where: string
  text: string
}

export function clientSnippets(mcp_url: string, token: string): ClientSnippet[] {
  const bearer = `Bearer ${token}`
  // mcp-remote refuses plain http except on localhost unless told otherwise.
  const local = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:|\/|$)/.test(mcp_url)
  const allowHttp = mcp_url.startsWith('http:') && !local ? ['--allow-http'] : []
  const desktop = {
    mcpServers: {
      countersign: {
        command: 'npx',
        // mcp-remote expands ${VAR} from `env` itself: the token stays out of the argument list.
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a placeholder for mcp-remote, not for JS
        args: ['-y', 'mcp-remote', mcp_url, ...allowHttp, '--header', 'Authorization:${COUNTERSIGN_AUTH}'],
        env: { COUNTERSIGN_AUTH: bearer },
      },
    },
  }
  const cursor = { mcpServers: { countersign: { url: mcp_url, headers: { Authorization: bearer } } } }
  return [
    {
      client: 'Claude Desktop',
      where: 'claude_desktop_config.json (Settings → Developer → Edit Config), then restart Claude Desktop',
      text: JSON.stringify(desktop, null, 2),
    },
    {
      client: 'Claude Code',
      where: 'a terminal',
      text: `claude mcp add --transport http countersign ${mcp_url} --header "Authorization: ${bearer}"`,
    },
    {
      client: 'Cursor',
      where: '~/.cursor/mcp.json (or .cursor/mcp.json in a project)',
      text: JSON.stringify(cursor, null, 2),
    },
  ]
}
