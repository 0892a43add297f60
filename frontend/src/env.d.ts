/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Text for the page footer, set at build time; empty for none. */
  readonly VITE_BUILD_LABEL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
