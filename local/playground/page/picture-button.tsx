import { useRef } from 'preact/hooks';

/** The 图片 tool: a picked file is read as a data: URL, which SendRequest.picture carries. */
export function PictureButton({ onPicture }: { onPicture: (dataUrl: string) => void }) {
  const file = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" class="tool" data-testid="picture-button" title="发送图片" onClick={() => file.current?.click()}>
        <svg viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="currentColor" stroke-width="1.8">
          <rect x="3" y="5" width="18" height="14" rx="2" />
          <circle cx="9" cy="10" r="1.6" />
          <path d="M4 17l5-5 4 4 3-3 4 4" />
        </svg>
      </button>
      <input
        ref={file}
        type="file"
        accept="image/png,image/jpeg,image/gif,image/webp"
        data-testid="picture-input"
        hidden
        onChange={(event) => {
          const input = event.currentTarget;
          const chosen = input.files?.[0];
          input.value = '';
          if (!chosen) return;
          const reader = new FileReader();
          reader.onload = () => typeof reader.result === 'string' && onPicture(reader.result);
          reader.readAsDataURL(chosen);
        }}
      />
    </>
  );
}
