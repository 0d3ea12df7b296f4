{#- What an agent can find an account by besides its id: the SHA-256 of its name
    (trimmed, lower case) and of its phone's digits. The support console hashes what
    the agent typed the same way, so the names and numbers themselves are not in
    what it reads. -#}
select
    account_id,
    {{ sha256_hex('lower(trim(name))') }} as name_sha256,
    case
        when {{ digits_of('phone') }} <> '' then {{ sha256_hex(digits_of('phone')) }}
    end as phone_sha256
from {{ ref('stg_cms__accounts') }}
