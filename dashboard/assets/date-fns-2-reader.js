/* The date pickers in the reader's language: Dash's picker takes the first date-fns locale
   matching the browser's languages, else the first loaded (zh-CN). A reader who asked for
   English (?lang=en) gets date-fns's own English: no locale is offered then. */
(function () {
  'use strict';
  var fns = window.dateFns || {};
  var chinese = fns.locale || {};
  Object.defineProperty(fns, 'locale', {
    configurable: true,
    get: function () { return /[?&]lang=en(&|$)/.test(window.location.search) ? {} : chinese; }
  });
  window.dateFns = fns;
}());
