// The entry of dist/mcp.js: `spectask mcp` with the MCP SDK, built apart from dist/cli.js so that every other
// command starts without reading the SDK (it more than doubled the CLI bundle, issue 24). The whole command
// lives here, so that the errors it checks with instanceof come from the same bundle as the code that throws them.
export { serveMcp } from './serveMcp';
