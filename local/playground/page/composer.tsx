import { useRef, useState } from 'preact/hooks';
import { draftOf, insertMention, type Draft, type MentionOption } from './mentions';
import { PictureButton } from './picture-button';

interface ComposerProps {
  /** Who an @ can name here; empty in a 1:1 chat, where DingTalk offers no @. */
  mentionOptions: MentionOption[];
  placeholder: string;
  onSend: (draft: Draft & { picture?: string }) => void;
}

/** The input area: Enter sends, Shift+Enter breaks the line, '@' or the @ button offers whom to mention. */
export function Composer({ mentionOptions, placeholder, onSend }: ComposerProps) {
  const [text, setText] = useState('');
  const [picked, setPicked] = useState<MentionOption[]>([]);
  const [picture, setPicture] = useState<string | undefined>(undefined);
  const [picking, setPicking] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);

  const send = () => {
    const draft = draftOf(text, picked);
    if (!draft.text && !draft.atRobot && draft.mentions.length === 0 && !picture) return;
    onSend(picture === undefined ? draft : { ...draft, picture });
    setText('');
    setPicked([]);
    setPicture(undefined);
    setPicking(false);
  };

  const choose = (option: MentionOption) => {
    const caret = input.current?.selectionStart ?? text.length;
    const next = insertMention(text, caret, option);
    setText(next.text);
    setPicked((list) => [...list, option]);
    setPicking(false);
    requestAnimationFrame(() => {
      input.current?.focus();
      input.current?.setSelectionRange(next.caret, next.caret);
    });
  };

  return (
    <div class="composer">
      {picking && mentionOptions.length > 0 && (
        <ul class="mention-picker" data-testid="mention-picker" role="listbox">
          {mentionOptions.map((option) => (
            <li key={option.id}>
              <button type="button" data-testid={`mention-option-${option.id}`} onMouseDown={(event) => event.preventDefault()} onClick={() => choose(option)}>
                @{option.label}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="composer-tools">
        {mentionOptions.length > 0 && (
          <button type="button" class="tool" data-testid="mention-button" title="@ 提及" onClick={() => setPicking(!picking)}>@</button>
        )}
        <PictureButton onPicture={setPicture} />
      </div>
      {picture && (
        <div class="pending-picture">
          <img src={picture} alt="待发送的图片" data-testid="pending-picture" />
          <button type="button" title="移除图片" onClick={() => setPicture(undefined)}>×</button>
        </div>
      )}
      <textarea
        ref={input}
        data-testid="composer-input"
        placeholder={placeholder}
        value={text}
        onInput={(event) => {
          const { value, selectionStart } = event.currentTarget;
          setText(value);
          setPicking(mentionOptions.length > 0 && value.slice(0, selectionStart).endsWith('@'));
        }}
        onKeyDown={(event) => {
          if (event.key === 'Escape') setPicking(false);
          // While an input method composes Chinese, Enter confirms the characters; it must not send.
          if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.keyCode === 229) return;
          event.preventDefault();
          send();
        }}
      />
      <div class="composer-footer">
        <span class="hint">Enter 发送，Shift+Enter 换行</span>
        <button type="button" class="send" data-testid="send-button" onClick={send}>发送</button>
      </div>
    </div>
  );
}
