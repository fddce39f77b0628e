// What tapping an action does in the LINE app, for rich menus, messages and quick replies.

const PICKER_PROMPTS = {
  date: ["日付を入力してください（YYYY-MM-DD）", (d) => d.toISOString().slice(0, 10)],
  time: ["時刻を入力してください（HH:mm）", (d) => d.toTimeString().slice(0, 5)],
  datetime: [
    "日時を入力してください（YYYY-MM-DDTHH:mm）",
    (d) => `${d.toISOString().slice(0, 10)}T${d.toTimeString().slice(0, 5)}`,
  ],
};

// ui: { sendText(text), sendPostback(data, params, displayText), notify(text), richMenuSwitched() }
export function makeActionHandler(ui) {
  return async function perform(action) {
    switch (action.type) {
      case "message":
        return ui.sendText(action.text);
      case "postback":
        return ui.sendPostback(action.data, undefined, action.displayText ?? action.text);
      case "uri":
        window.open(action.uri, "_blank", "noopener");
        return undefined;
      case "datetimepicker": {
        const [question, format] = PICKER_PROMPTS[action.mode] || PICKER_PROMPTS.datetime;
        const value = window.prompt(question, action.initial || format(new Date()));
        if (!value) return undefined;
        return ui.sendPostback(action.data, { [action.mode || "datetime"]: value });
      }
      case "richmenuswitch":
        await ui.sendPostback(action.data, { newRichMenuAliasId: action.richMenuAliasId });
        return ui.richMenuSwitched();
      case "clipboard":
        await navigator.clipboard?.writeText(action.clipboardText).catch(() => {});
        return ui.notify("クリップボードにコピーしました");
      default:
        return ui.notify(`「${action.type}」アクションはシミュレータでは使えません`);
    }
  };
}
