@limits @writes
Feature: The largest valid settings
  Every other feature tests the limits one field at a time; real users with full FAQ lists
  send them all at once. Every writable field at its limit together (50 FAQs, each question
  and answer at its maximum, characters outside the Basic Multilingual Plane included,
  counted in code points as the contract counts) is accepted, read back exactly and put
  back; one item or one character more anywhere is rejected and changes nothing.

  Background:
    Given I am logged in as the primary account

  Scenario: The largest valid settings are accepted and read back exactly
    When I save my settings with:
      | field       | value   |
      | every field | {{max}} |
    Then the request succeeds
    And my settings read back exactly as saved
    And the saved business equals the next read

  Scenario: The largest valid settings are put back exactly after a change
    Given my settings are:
      | field       | value   |
      | every field | {{max}} |
    And I remember my settings
    When I save my settings with:
      | field       | value      |
      | description | {{null}}   |
      | faqs        | {{faqs:1}} |
    And I put back the settings I remembered
    Then the request succeeds
    And my settings read back exactly as saved

  @validation
  Scenario Outline: The largest settings with <over> are rejected and change nothing
    Given my settings are:
      | field | value      |
      | faqs  | {{faqs:2}} |
    When I save my settings with:
      | field       | value   |
      | every field | {{max}} |
      | <field>     | <value> |
    Then the request is rejected as invalid
    And my settings are unchanged

    Examples:
      | over                                    | field             | value           |
      | one FAQ too many                        | faqs              | {{faqs:51:max}} |
      | one character more in the last answer   | faqs[50].answer   | {{max+1}}       |
      | one character more in the last question | faqs[50].question | {{max+1}}       |
      | one character more in the name          | name              | {{max+1}}       |
      | one character more in the industry      | industry          | {{max+1}}       |
      | one character more in the services      | common_services   | {{max+1}}       |
      | one character more in the hours         | business_hours    | {{max+1}}       |
      | one character more in the description   | description       | {{max+1}}       |
