@update @writes
Feature: Update settings
  Phase 3: an account saves some of its settings. Only the fields sent change;
  invalid saves are rejected with 422 and change nothing.

  Background:
    Given I am logged in as the primary account

  Scenario Outline: Each writable field can be saved on its own
    When I save my settings with:
      | field   | value   |
      | <field> | <value> |
    Then the request succeeds
    And my settings read back exactly as saved

    Examples:
      | field           | value                                         |
      | name            | {{faker:company}}                             |
      | industry        | {{faker:bs}}                                  |
      | common_services | {{faker:catch_phrase}}                        |
      | business_hours  | Monday-Friday, 9:00 AM - 5:00 PM              |
      | description     | {{faker:paragraph}}                           |
      | faqs            | {{faqs:3}}                                    |

  Scenario: A partial update keeps every field it does not mention
    Given my settings are:
      | field          | value                      |
      | industry       | Bakery                     |
      | business_hours | Tuesday-Sunday, 7 AM - 3 PM |
    When I save my settings with:
      | field | value            |
      | name  | {{faker:company}} |
    Then the request succeeds
    And my settings include:
      | field          | value                       |
      | industry       | Bakery                      |
      | business_hours | Tuesday-Sunday, 7 AM - 3 PM |

  Scenario Outline: null clears the nullable field <field>
    Given my settings are:
      | field   | value          |
      | <field> | <before>       |
    When I save my settings with:
      | field   | value    |
      | <field> | {{null}} |
    Then the request succeeds
    And my settings read back exactly as saved

    Examples:
      | field           | before                |
      | industry        | Plumbing              |
      | common_services | Leak repair           |
      | business_hours  | 24/7                  |
      | description     | We fix pipes.         |
      | faqs            | {{faqs:2}}            |

  Scenario: An empty FAQ list clears the FAQs
    Given my settings are:
      | field | value      |
      | faqs  | {{faqs:2}} |
    When I save my settings with:
      | field | value  |
      | faqs  | {{[]}} |
    Then the request succeeds
    And my settings read back exactly as saved

  Scenario: An empty body is a no-op
    Given I remember my settings
    When I save my settings with the JSON body:
      """
      {}
      """
    Then the save status is "success"
    And the settings of the primary account are unchanged

  @audit
  Scenario Outline: Changing <field> starts an audit that finishes within 10 seconds
    When I save my settings with:
      | field   | value   |
      | <field> | <value> |
    Then the save status is "audit_pending"
    And my audit status is "pending"
    And the audit finishes within 10 seconds

    Examples:
      | field       | value                  |
      | description | {{faker:paragraph}}    |
      | faqs        | {{faqs:2}}             |

  @audit
  Scenario: Saving the same description again is a plain success
    Given my settings are:
      | field       | value                          |
      | description | We repair bicycles since 1987. |
    When I save my settings with:
      | field       | value                          |
      | description | We repair bicycles since 1987. |
    Then the save status is "success"

  @audit
  Scenario: Changing only other fields is a plain success
    When I save my settings with:
      | field          | value                    |
      | name           | {{faker:company}}        |
      | business_hours | Monday-Friday, 8-4       |
    Then the save status is "success"

  @validation
  Scenario Outline: An invalid <case> is rejected and changes nothing
    When I save my settings with:
      | field   | value   |
      | <field> | <value> |
    Then the request is rejected as invalid
    And my settings are unchanged

    Examples:
      | case                    | field           | value                                  |
      | name too long           | name            | {{max+1}}                              |
      | industry too long       | industry        | {{max+1}}                              |
      | services too long       | common_services | {{max+1}}                              |
      | hours too long          | business_hours  | {{max+1}}                              |
      | description too long    | description     | {{max+1}}                              |
      | null name               | name            | {{null}}                               |
      | empty name              | name            | {{""}}                                 |
      | number as name          | name            | {{42}}                                 |
      | list as industry        | industry        | {{["Retail"]}}                         |
      | boolean as description  | description     | {{true}}                               |
      | NUL in name             | name            | {{"Lex\u0000Makes"}}                   |
      | NUL in description      | description     | {{"end\u0000"}}                        |
      | unknown field           | {{unknown:owner_email}} | someone@example.test           |
      | read-only id            | id              | {{1}}                                  |
      | read-only audit status  | audit_status    | passed                                 |
      | FAQs as a string        | faqs            | Is it open? Yes.                       |
      | FAQ without answer      | faqs            | {{[{"question": "Open?"}]}}            |
      | FAQ with empty question | faqs            | {{[{"question": "", "answer": "Yes"}]}} |
      | FAQ with extra field    | faqs            | {{[{"question": "Q", "answer": "A", "x": 1}]}} |

  @validation
  Scenario: 51 FAQs are rejected and change nothing
    When I save my settings with 51 generated FAQs
    Then the request is rejected as invalid
    And my settings are unchanged

  @validation
  Scenario Outline: An FAQ whose <part> is one over the limit is rejected
    When I save my settings with the FAQs:
      | question   | answer   |
      | <question> | <answer> |
    Then the request is rejected as invalid
    And my settings are unchanged

    Examples:
      | part     | question          | answer           |
      | question | {{max+1}}         | {{faker:sentence}} |
      | answer   | {{faker:sentence}} | {{max+1}}        |

  @validation
  Scenario: A valid field beside an invalid one is not saved either
    When I save my settings with:
      | field    | value             |
      | industry | Should not stick  |
      | name     | {{""}}            |
    Then the request is rejected as invalid
    And my settings are unchanged

  @validation
  Scenario Outline: A body that is not JSON is rejected and changes nothing
    When I save my settings with the raw <content_type> body:
      """
      <body>
      """
    Then the request is rejected as malformed
    And my settings are unchanged

    Examples:
      | content_type     | body               |
      | application/json | {"name": "Lex"     |
      | application/json | name=Lex           |
      | application/json | ["name", "Lex"     |
