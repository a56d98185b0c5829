'use strict';
// The alert source's contact autocomplete sends the organisation chosen in the same form,
// so only that organisation's contacts are offered (incidents/admin.py). Django's
// autocomplete.js sets the field up when the page is ready; once everything has loaded,
// it is set up again with that parameter.
window.addEventListener('load', () => {
    const $ = window.django && window.django.jQuery;
    const organisation = document.getElementById('id_organisation');
    if (!$ || !$.fn.select2 || !organisation) {
        return;
    }
    const contact = $('#id_contact.admin-autocomplete');
    if (!contact.length) {
        return;
    }
    if (contact.hasClass('select2-hidden-accessible')) {
        contact.select2('destroy');
    }
    contact.select2({
        ajax: {
            data: (params) => ({
                term: params.term,
                page: params.page,
                organisation: organisation.value,
            }),
        },
    });
    organisation.addEventListener('change', () => contact.val(null).trigger('change'));
});
