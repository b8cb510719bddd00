// Starts `referflow lsp` for every chart (`*.flow`) and connects it to the editor.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

/** @type {LanguageClient | undefined} */
let client;

async function start() {
  const command = vscode.workspace.getConfiguration("referflow").get("path") || "referflow";
  // No `transport` here: with `TransportKind.stdio` the client would add a `--stdio` argument,
  // and `referflow lsp` always talks over stdio anyway.
  const serverOptions = { command, args: ["lsp"] };
  const clientOptions = {
    documentSelector: [
      { scheme: "file", language: "referflow" },
      { scheme: "untitled", language: "referflow" },
    ],
  };
  client = new LanguageClient("referflow", "Referflow", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    vscode.window.showErrorMessage(
      `Referflow: could not start \`${command} lsp\` (${message}). ` +
        "Install referflow (`cargo install --path .` in its repository) or set `referflow.path`.",
    );
  }
}

async function activate(context) {
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("referflow.path")) {
        await deactivate();
        await start();
      }
    }),
  );
  await start();
}

async function deactivate() {
  const running = client;
  client = undefined;
  if (running && running.isRunning()) {
    await running.stop();
  }
}

module.exports = { activate, deactivate };
