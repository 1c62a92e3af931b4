/**
 * The local playground's page (served at /playground by local/playground's routes, built by esbuild.config.ts).
 *
 * data-testid attributes for browser tests:
 *   top bar        robot-name, model-label, demo-model-toggle, cards-toggle (disabled when !cardsAvailable),
 *                  failure-select (only while the demo model is on), connection (data-state=open|connecting|closed), notice
 *   left column    member-select, conversation-dm-<memberId>, conversation-group-dev, conversation-wechat
 *   chat           chat (data-conversation), chat-title, reset-button, messages,
 *                  message (data-role=user|robot, data-msgid, data-format=markdown|text|card on robot ones,
 *                  data-selected on user ones), message-picture, message-pending, message-error,
 *                  not-delivered-note, at-line,
 *                  card (data-state=streaming|finalized|failed, data-outtrackid), card-status
 *   composer       composer-input, send-button, mention-button, mention-picker, mention-option-robot,
 *                  mention-option-<memberId>, picture-button, picture-input, pending-picture
 *   right column   figures-panel (data-msgid, data-done), figure-ackMs, figure-firstTokenMs, figure-firstCardUpdateMs,
 *                  figure-answerMs, figure-ossRequests, figure-tokens, tab-history, tab-logs, panel-history, panel-logs,
 *                  history, history-key, history-file, history-error, history-record (data-type), log-lines,
 *                  log-line (data-level)
 *   WeChat         wechat-view, wechat-input, wechat-send, wechat-exchange, wechat-own, wechat-reply,
 *                  wechat-no-reply, wechat-rejected, wechat-attempts
 *   page           loading states: load-error
 */
import { render } from 'preact';
import { App } from './app';
import './styles.css';

const root = document.getElementById('app');
if (root) render(<App />, root);
